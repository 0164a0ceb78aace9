// Mounts a function's code and layers into a pre-started sandbox (docs/isolation.md, "Pre-started
// pool"), inside that sandbox's own mount namespace and nowhere else. For each bind, one long-lived
// root helper (python3 calling the kernel through ctypes; mount(8) cannot do this):
//   1. open_tree(source, OPEN_TREE_CLONE): a detached copy of the source directory's mount;
//   2. mount_setattr: read-only, nosuid, nodev, private (propagates nowhere, receives nothing);
//   3. setns into the sandbox's mount namespace, move_mount the copy onto /var/task (or /opt),
//      checks that the path now shows the source (same device and inode), and setns back.
// Nothing is mounted on the host and nothing is shared between mount namespaces, so one sandbox's
// mounts or teardown can never reach another's: the mounts die with the sandbox's namespace.
// (The first design bound the code on shared host "slot" mounts that propagated into the sandbox;
// every host unmount then depended on propagation staying within one peer group.)
// Needs Linux 5.12 (mount_setattr); elsewhere the bind fails and the sandbox starts cold.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface SandboxBind {
  /** Host directory. */
  readonly source: string;
  /** Where the sandbox sees it (an existing directory inside the sandbox). */
  readonly target: string;
}

export interface BindMounter {
  /**
   * Binds each source read-only, nosuid, nodev at its target inside the mount namespace of the
   * first of `pids` that is not in Hearth's own (any process of the sandbox); rejects when a bind
   * failed or does not show the source afterwards.
   */
  bindInto(pids: readonly number[], binds: readonly SandboxBind[]): Promise<void>;
  /** Starts the helper ahead of the first bind (python3 takes ~30 ms to start). */
  prepare(): void;
  close(): void;
}

/**
 * Reads one request per line: NUL-separated fields `<pids comma-separated> <source> <target> …`.
 * Answers "ok" or "err <message>". Never stays in a sandbox's namespace: if it cannot go back, it exits.
 */
const HELPER = `
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
AT_FDCWD = -100
AT_EMPTY_PATH = 0x1000
OPEN_TREE_CLONE = 1
OPEN_TREE_CLOEXEC = 0o2000000
MOVE_MOUNT_F_EMPTY_PATH = 4
CLONE_NEWNS = 0x20000
MS_PRIVATE = 1 << 18
ATTR = 0x1 | 0x2 | 0x4  # MOUNT_ATTR_RDONLY | NOSUID | NODEV
SYS_OPEN_TREE, SYS_MOVE_MOUNT, SYS_MOUNT_SETATTR = 428, 429, 442
class MountAttr(ctypes.Structure):
    _fields_ = [("attr_set", ctypes.c_uint64), ("attr_clr", ctypes.c_uint64),
                ("propagation", ctypes.c_uint64), ("userns_fd", ctypes.c_uint64)]
host = os.open("/proc/self/ns/mnt", os.O_RDONLY | os.O_CLOEXEC)
host_ns = os.readlink("/proc/self/ns/mnt")
def check(rc, what):
    if rc < 0:
        e = ctypes.get_errno()
        raise OSError(e, "%s: %s" % (what, os.strerror(e)))
    return rc
def into(pids, binds):
    pid = next((p for p in pids if os.readlink("/proc/%s/ns/mnt" % p) != host_ns), None)
    if pid is None:
        raise OSError(0, "no process of the sandbox is in its own mount namespace")
    ns = os.open("/proc/%s/ns/mnt" % pid, os.O_RDONLY | os.O_CLOEXEC)
    trees = []
    try:
        for source, target in binds:
            fd = check(libc.syscall(SYS_OPEN_TREE, AT_FDCWD, source.encode(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC), "open_tree " + source)
            trees.append((fd, target, os.stat(source)))
            attr = MountAttr(ATTR, 0, MS_PRIVATE, 0)
            check(libc.syscall(SYS_MOUNT_SETATTR, fd, b"", AT_EMPTY_PATH, ctypes.byref(attr), ctypes.sizeof(attr)), "mount_setattr")
        check(libc.setns(ns, CLONE_NEWNS), "setns")
        try:
            for fd, target, want in trees:
                check(libc.syscall(SYS_MOVE_MOUNT, fd, b"", AT_FDCWD, target.encode(), MOVE_MOUNT_F_EMPTY_PATH), "move_mount " + target)
                seen = os.stat(target)
                if (seen.st_dev, seen.st_ino) != (want.st_dev, want.st_ino):
                    raise OSError(0, target + " does not show its source after the bind")
        finally:
            if libc.setns(host, CLONE_NEWNS) != 0:
                os._exit(70)
    finally:
        for fd, _, _ in trees:
            os.close(fd)
        os.close(ns)
for line in sys.stdin:
    fields = line.rstrip("\\n").split("\\0")
    try:
        into(fields[0].split(","), list(zip(fields[1::2], fields[2::2])))
        answer = "ok"
    except Exception as error:
        answer = "err " + str(error).replace("\\n", " ")
    sys.stdout.write(answer + "\\n")
    sys.stdout.flush()
`;

/** The helper where /usr/bin/python3 exists; undefined elsewhere (the pool then stays off). */
export function createBindMounter(): BindMounter | undefined {
  return existsSync('/usr/bin/python3') ? new HelperMounter('/usr/bin/python3') : undefined;
}

interface Unrefable {
  unref(): void;
  ref(): void;
}

/** One running helper and the answers it still owes, in order. Never shared with a later helper. */
interface Helper {
  readonly child: ChildProcessWithoutNullStreams;
  readonly waiting: Array<(answer: string) => void>;
  buffered: string;
}

class HelperMounter implements BindMounter {
  private helper: Helper | undefined;

  constructor(private readonly python: string) {}

  close(): void {
    this.helper?.child.stdin.end();
    this.helper = undefined;
  }

  prepare(): void {
    this.helper ??= this.spawnHelper();
  }

  bindInto(pids: readonly number[], binds: readonly SandboxBind[]): Promise<void> {
    const fields = [pids.join(','), ...binds.flatMap((bind) => [bind.source, bind.target])];
    if (pids.length === 0) return Promise.reject(new Error('the sandbox has no process'));
    if (fields.some((field) => /[\0\n]/.test(field))) return Promise.reject(new Error('a path holds NUL or newline'));
    const helper = (this.helper ??= this.spawnHelper());
    return new Promise<void>((resolve, reject) => {
      helper.waiting.push((answer) => {
        // Only an answer still awaited keeps the event loop alive.
        if (helper.waiting.length === 0) (helper.child.stdout as unknown as Unrefable).unref();
        if (answer === 'ok') resolve();
        else reject(new Error(answer === '' ? 'the mount helper died' : `mount helper: ${answer.slice(4)}`));
      });
      (helper.child.stdout as unknown as Unrefable).ref();
      helper.child.stdin.write(`${fields.join('\0')}\n`);
    });
  }

  private spawnHelper(): Helper {
    // Its own process group, so a Ctrl-C at Hearth's terminal leaves it to the shutdown; it ends when
    // its stdin does (close(), or Hearth's exit).
    const child = spawn(this.python, ['-I', '-S', '-c', HELPER], { env: {}, stdio: 'pipe', detached: true });
    const helper: Helper = { child, waiting: [], buffered: '' };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      helper.buffered += chunk;
      for (let end = helper.buffered.indexOf('\n'); end >= 0; end = helper.buffered.indexOf('\n')) {
        const answer = helper.buffered.slice(0, end);
        helper.buffered = helper.buffered.slice(end + 1);
        helper.waiting.shift()?.(answer);
      }
    });
    child.stdin.on('error', () => undefined);
    // A failed spawn (EAGAIN) or a dead helper fails what it still owes; the next call starts another.
    const died = (): void => {
      if (this.helper === helper) this.helper = undefined;
      for (const waiter of helper.waiting.splice(0)) waiter('');
    };
    child.on('error', died);
    child.on('exit', died);
    // The helper must not keep Hearth alive on its own.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as Unrefable).unref();
    child.stderr.resume();
    return helper;
  }
}
