// Host-side bind mounts for pre-started sandboxes (docs/isolation.md, "Pre-started pool"): a slot
// directory is made a shared mount before bwrap binds it into a sandbox, so a later host mount on
// the slot propagates into the sandbox's mount namespace. Each mount costs ~4 ms when it execs
// mount(8) — too slow for a 15 ms cold start — so one long-lived root helper (python3 calling
// libc's mount(2) through ctypes) makes them in microseconds; mount(8) is the fallback.
// A propagated mount keeps the flags the source mount had when it was bound, never a later
// remount: the read-only view is made on a private staging point first, then bound to the slot.
import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface BindMounter {
  /** Makes `dir` a mount point of its own with shared propagation (a slot). */
  makeSharedSlot(dir: string): Promise<void>;
  /** Binds `source` at `slot` read-only, nosuid, nodev, through the private point `staging`. */
  bindReadOnly(source: string, staging: string, slot: string): Promise<void>;
  /** Lazily unmounts every mount stacked on `dir` (errors ignored: nothing mounted is fine). */
  unmountAll(dir: string): Promise<void>;
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

/** Reads "mount|umount <args>" lines, answers "ok" or "err <errno>" per line. */
const HELPER = `
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong, ctypes.c_void_p]
libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
for line in sys.stdin:
    parts = line.rstrip("\\n").split("\\0")
    if parts[0] == "mount":
        rc = libc.mount(parts[1].encode() or None, parts[2].encode(), None, int(parts[3]), None)
    else:
        rc = libc.umount2(parts[1].encode(), int(parts[2]))
    sys.stdout.write("ok\\n" if rc == 0 else "err %d\\n" % ctypes.get_errno())
    sys.stdout.flush()
`;

/** The fast mounter where /usr/bin/python3 exists, else mount(8). */
export function createBindMounter(): BindMounter {
  return existsSync('/usr/bin/python3') ? new HelperMounter('/usr/bin/python3') : new ExecMounter();
}

abstract class SyscallMounter implements BindMounter {
  protected abstract mount(source: string, target: string, flags: number): Promise<void>;
  protected abstract umount(target: string, flags: number): Promise<void>;
  abstract close(): void;

  async makeSharedSlot(dir: string): Promise<void> {
    await this.mount(dir, dir, MS_BIND);
    await this.mount('', dir, MS_SHARED);
  }

  async bindReadOnly(source: string, staging: string, slot: string): Promise<void> {
    await this.mount(source, staging, MS_BIND);
    try {
      // The staging point must not propagate anywhere, nor receive anything.
      await this.mount('', staging, MS_PRIVATE);
      await this.mount('', staging, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV);
      await this.mount(staging, slot, MS_BIND);
    } finally {
      await this.umount(staging, MNT_DETACH).catch(() => undefined);
    }
  }

  async unmountAll(dir: string): Promise<void> {
    // At most: the function's bind and the slot's own bind.
    for (let i = 0; i < 4; i++) {
      try {
        await this.umount(dir, MNT_DETACH);
      } catch {
        return;
      }
    }
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

  protected mount(source: string, target: string, flags: number): Promise<void> {
    return this.call(['mount', source, target, String(flags)], `mount ${source} ${target} ${flags}`);
  }

  protected umount(target: string, flags: number): Promise<void> {
    return this.call(['umount', target, String(flags)], `umount ${target}`);
  }

  close(): void {
    this.helper?.stdin.end();
    this.helper = undefined;
  }

  private call(parts: readonly string[], what: string): Promise<void> {
    const helper = (this.helper ??= this.spawnHelper());
    return new Promise<void>((resolve, reject) => {
      this.waiting.push((line) => {
        // Only an answer still awaited keeps the event loop alive.
        if (this.waiting.length === 0) (helper.stdout as unknown as Unrefable).unref();
        if (line === 'ok') resolve();
        else reject(new Error(`${what}: ${line === '' ? 'mount helper died' : line}`));
      });
      (helper.stdout as unknown as Unrefable & { ref(): void }).ref();
      helper.stdin.write(`${parts.join('\0')}\n`);
    });
  }

  private spawnHelper(): ChildProcessWithoutNullStreams {
    const helper = spawn(this.python, ['-I', '-S', '-c', HELPER], { env: {}, stdio: 'pipe' });
    helper.stdout.setEncoding('utf8');
    helper.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let end = this.buffered.indexOf('\n'); end >= 0; end = this.buffered.indexOf('\n')) {
        const line = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 1);
        this.waiting.shift()?.(line);
      }
    });
    helper.stdin.on('error', () => undefined);
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
  protected mount(source: string, target: string, flags: number): Promise<void> {
    const args: string[] = [];
    if (flags & MS_SHARED) args.push('--make-shared', target);
    else if (flags & MS_PRIVATE) args.push('--make-private', target);
    else if (flags & MS_REMOUNT) args.push('-o', 'remount,bind,ro,nosuid,nodev', target);
    else args.push('--bind', source, target);
    return run('mount', args);
  }

  protected umount(target: string): Promise<void> {
    return run('umount', ['-l', target]);
  }

  close(): void {}
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: 30_000 }, (error, _stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`)) : resolve(),
    );
  });
}
