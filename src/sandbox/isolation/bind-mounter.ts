// Host-side bind mounts for pre-started sandboxes (docs/isolation.md, "Pre-started pool"): a slot
// directory is made a shared mount before bwrap binds it into a sandbox, so a later host mount on
// the slot propagates into the sandbox's mount namespace. Each mount costs ~4 ms when it execs
// mount(8) — too slow for a 15 ms cold start — so one long-lived root helper (python3 calling
// libc's mount(2) through ctypes) makes them in microseconds; mount(8) is the fallback.
// A propagated mount keeps the flags the source mount had when it was bound, never a later
// remount: the read-only view is made on a private staging point first, then bound to the slot.
import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface BindMounter {
  /** Makes `dir` a mount point of its own with shared propagation (a slot). */
  makeSharedSlot(dir: string): Promise<void>;
  /** Binds `source` at `slot` read-only, nosuid, nodev, through the private point `staging`. */
  bindReadOnly(source: string, staging: string, slot: string): Promise<void>;
  /** Lazily unmounts every mount stacked on `dir`; true when something is still mounted there after. */
  unmountAll(dir: string): Promise<boolean>;
  close(): void;
}

// <sys/mount.h>
const MS_RDONLY = 1;
const MS_NOSUID = 2;
const MS_NODEV = 4;
const MS_REMOUNT = 32;
const MS_BIND = 4096;
const MS_PRIVATE = 1 << 18;
const MS_SHARED = 1 << 20;
const MNT_DETACH = 2;

/**
 * Reads one batch per line: operations separated by RS (\x1e), fields by NUL, each
 * `mount <source> <target> <flags>` or `umount <target> <flags>`; a leading `?` marks a cleanup
 * that always runs and whose failure is ignored. Answers "ok" or "err <errno> <operation #>".
 */
const HELPER = `
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
def run(parts):
    if parts[0] == "mount":
        return libc.mount(parts[1].encode() or None, parts[2].encode(), None, int(parts[3]), None)
    return libc.umount2(parts[1].encode(), int(parts[2]))
for line in sys.stdin:
    answer = "ok"
    for i, op in enumerate(line.rstrip("\\n").split("\\x1e")):
        cleanup = op.startswith("?")
        if answer != "ok" and not cleanup:
            continue
        rc = run(op.lstrip("?").split("\\0"))
        if rc != 0 and not cleanup:
            answer = "err %d %d" % (ctypes.get_errno(), i)
    sys.stdout.write(answer + "\\n")
    sys.stdout.flush()
`;

/** The fast mounter where /usr/bin/python3 exists, else mount(8). */
export function createBindMounter(): BindMounter {
  return existsSync('/usr/bin/python3') ? new HelperMounter('/usr/bin/python3') : new ExecMounter();
}

/** True when `dir` is a mount point in Hearth's mount namespace. */
function isMountPoint(dir: string): boolean {
  const escaped = dir.replace(/ /g, '\\040');
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === escaped);
}

/** One mount(2) or umount2(2) call; `cleanup`: always run, failure ignored. */
type MountOp =
  | {
      readonly kind: 'mount';
      readonly source: string;
      readonly target: string;
      readonly flags: number;
      readonly cleanup?: boolean;
    }
  | { readonly kind: 'umount'; readonly target: string; readonly flags: number; readonly cleanup?: boolean };

abstract class SyscallMounter implements BindMounter {
  /** Runs the operations in order; stops at the first failure (cleanups still run) and rejects. */
  protected abstract run(ops: readonly MountOp[]): Promise<void>;
  abstract close(): void;

  makeSharedSlot(dir: string): Promise<void> {
    // Private first: the slot gets a peer group of its own, not the one of the mount it sits on.
    return this.run([
      { kind: 'mount', source: dir, target: dir, flags: MS_BIND },
      { kind: 'mount', source: '', target: dir, flags: MS_PRIVATE },
      { kind: 'mount', source: '', target: dir, flags: MS_SHARED },
    ]);
  }

  bindReadOnly(source: string, staging: string, slot: string): Promise<void> {
    return this.run([
      { kind: 'mount', source, target: staging, flags: MS_BIND },
      // The staging point must not propagate anywhere, nor receive anything.
      { kind: 'mount', source: '', target: staging, flags: MS_PRIVATE },
      { kind: 'mount', source: '', target: staging, flags: MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV },
      { kind: 'mount', source: staging, target: slot, flags: MS_BIND },
      { kind: 'umount', target: staging, flags: MNT_DETACH, cleanup: true },
    ]);
  }

  async unmountAll(dir: string): Promise<boolean> {
    // At most: the function's bind and the slot's own bind. EINVAL: no longer a mount point.
    for (let i = 0; i < 4; i++) {
      try {
        await this.run([{ kind: 'umount', target: dir, flags: MNT_DETACH }]);
      } catch {
        break;
      }
    }
    return isMountPoint(dir);
  }
}

interface Unrefable {
  unref(): void;
}

class HelperMounter extends SyscallMounter {
  private helper: ChildProcessWithoutNullStreams | undefined;
  private readonly waiting: Array<(line: string) => void> = [];
  private buffered = '';

  constructor(private readonly python: string) {
    super();
  }

  close(): void {
    this.helper?.stdin.end();
    this.helper = undefined;
  }

  protected run(ops: readonly MountOp[]): Promise<void> {
    const helper = (this.helper ??= this.spawnHelper());
    const line = ops
      .map((op) => {
        const fields =
          op.kind === 'mount'
            ? ['mount', op.source, op.target, String(op.flags)]
            : ['umount', op.target, String(op.flags)];
        return `${op.cleanup === true ? '?' : ''}${fields.join('\0')}`;
      })
      .join('\x1e');
    return new Promise<void>((resolve, reject) => {
      this.waiting.push((answer) => {
        // Only an answer still awaited keeps the event loop alive.
        if (this.waiting.length === 0) (helper.stdout as unknown as Unrefable).unref();
        if (answer === 'ok') return resolve();
        const [, errno, index] = answer.split(' ');
        const op = ops[Number(index)];
        reject(new Error(answer === '' ? 'mount helper died' : `${JSON.stringify(op)}: errno ${errno}`));
      });
      (helper.stdout as unknown as Unrefable & { ref(): void }).ref();
      helper.stdin.write(`${line}\n`);
    });
  }

  private spawnHelper(): ChildProcessWithoutNullStreams {
    const helper = spawn(this.python, ['-I', '-S', '-c', HELPER], { env: {}, stdio: 'pipe' });
    helper.stdout.setEncoding('utf8');
    helper.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let end = this.buffered.indexOf('\n'); end >= 0; end = this.buffered.indexOf('\n')) {
        const answer = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 1);
        this.waiting.shift()?.(answer);
      }
    });
    helper.stdin.on('error', () => undefined);
    // A failed spawn (no python3, EAGAIN) ends like a dead helper: every waiting call rejects.
    helper.on('error', () => {
      if (this.helper === helper) this.helper = undefined;
      for (const waiter of this.waiting.splice(0)) waiter('');
    });
    helper.on('exit', () => {
      if (this.helper === helper) this.helper = undefined;
      for (const waiter of this.waiting.splice(0)) waiter('');
    });
    // The helper must not keep Hearth alive on its own.
    helper.unref();
    for (const stream of [helper.stdin, helper.stdout, helper.stderr]) (stream as unknown as Unrefable).unref();
    helper.stderr.resume();
    return helper;
  }
}

/** mount(8) and umount(8): correct everywhere, ~4 ms per call. */
class ExecMounter extends SyscallMounter {
  protected async run(ops: readonly MountOp[]): Promise<void> {
    let failure: unknown;
    for (const op of ops) {
      if (failure !== undefined && op.cleanup !== true) continue;
      try {
        await exec(op.kind, op.kind === 'umount' ? ['-l', op.target] : mountArgs(op.source, op.target, op.flags));
      } catch (error) {
        if (op.cleanup !== true) failure = error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  close(): void {}
}

function mountArgs(source: string, target: string, flags: number): string[] {
  if (flags & MS_SHARED) return ['--make-shared', target];
  if (flags & MS_PRIVATE) return ['--make-private', target];
  if (flags & MS_REMOUNT) return ['-o', 'remount,bind,ro,nosuid,nodev', target];
  return ['--bind', source, target];
}

function exec(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`)) : resolve(),
    );
  });
}
