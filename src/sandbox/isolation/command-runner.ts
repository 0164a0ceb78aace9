// Host tools (mkfs.ext4, mount, umount, …) run through Hearth's init in `runner` mode (sandbox-init.c):
// a small process that forks them, so that Hearth's own large process does not. A fork copies the
// forking process's page tables: from a 100–150 MB Node server that is ~3–10 ms of CPU per tool, on
// its event loop, and an isolated start ran three tools (mkfs.ext4 and mount for the next /tmp disk,
// umount for the last one): ~30 ms of the server's CPU per start, measured with
// bench/probes/many-probe.ts. The runner forks from ~100 KB.
// Parked launchers are forked the same way (parked-launcher.ts), and live as long as their sandbox.
// Programs named with a leading ':' are the init's built-in tools (init-disk-tools.c: the /tmp
// disk's copy, loop device and mount, and its unmount), run without an exec.
// It is started on first use and ends with Hearth (its stdin closes); if it dies, the next command
// starts another. A tool still running at its deadline is killed with its whole process group.
import { spawn, type ChildProcess } from 'node:child_process';

/** How a tool ended: its exit code (or 128 + signal) and what it wrote on stderr (first 4 KB). */
export interface ToolExit {
  readonly status: number;
  readonly stderr: string;
  /** It was still running at its deadline, and was killed. */
  readonly timedOut?: true;
}

export class CommandRunner {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, (exit: ToolExit) => void>();
  private nextId = 1;
  private received: Buffer = Buffer.alloc(0);

  constructor(
    private readonly init: string,
    /** Tools at once (the runner's default: 1,024); more wait in its pipe. */
    private readonly slots?: number,
  ) {}

  /**
   * Runs `command` with `args` in /, its stdin and stdout on /dev/null; rejects only if the runner
   * is gone. Past `timeoutMs` the tool and what it started are killed and it answers `timedOut`.
   */
  run(command: string, args: readonly string[], timeoutMs = 30_000): Promise<ToolExit> {
    return this.start(command, args, timeoutMs).exit;
  }

  /**
   * Starts `command` as run() does, with no deadline unless `timeoutMs` is given; `id` is for
   * kill(). A parked launcher runs this way for as long as its sandbox lives.
   */
  start(command: string, args: readonly string[], timeoutMs?: number): { id: number; exit: Promise<ToolExit> } {
    const child = this.started();
    const id = this.nextId++;
    const fields = [String(id), String(args.length + 1), command, ...args];
    const exit = new Promise<ToolExit>((resolve, reject) => {
      // While a tool runs, the runner keeps Hearth's event loop alive; idle, it does not.
      if (this.pending.size === 0) child.ref();
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              if (!this.settle(id)) return;
              this.kill(id);
              resolve({ status: 128 + 9, stderr: `still running after ${timeoutMs} ms: killed`, timedOut: true });
            }, timeoutMs);
      this.pending.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      child.stdin!.write(fields.map((field) => `${field}\0`).join(''), (error) => {
        if (error === undefined || error === null || !this.settle(id)) return;
        clearTimeout(timer);
        reject(error);
      });
    });
    return { id, exit };
  }

  /** Kills the process group of request `id` if it still runs (`<id> 0`); its answer comes as usual. */
  kill(id: number): void {
    this.child?.stdin?.write(`${id}\x000\x00`);
  }

  /** Forgets request `id`; false if it was already answered. */
  private settle(id: number): boolean {
    if (!this.pending.delete(id)) return false;
    if (this.pending.size === 0) this.child?.unref();
    return true;
  }

  private started(): ChildProcess {
    if (this.child !== undefined) return this.child;
    const child = spawn(this.init, ['runner', ...(this.slots !== undefined ? [String(this.slots)] : [])], {
      stdio: ['pipe', 'pipe', 'inherit'],
      cwd: '/',
    });
    this.child = child;
    // Its pipes never keep Hearth running, nor the runner while it is idle.
    child.unref();
    for (const stream of [child.stdin, child.stdout]) (stream as unknown as { unref?: () => void }).unref?.();
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (chunk: Buffer) => this.receive(chunk));
    const gone = (): void => {
      if (this.child !== child) return;
      this.child = undefined;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const resolve of waiting) resolve({ status: 126, stderr: 'the command runner ended' });
    };
    child.once('exit', gone);
    child.once('error', gone);
    return child;
  }

  /** Replies are `<id> <status> <stderr>`, each field ended by a NUL. */
  private receive(chunk: Buffer): void {
    this.received = this.received.length === 0 ? chunk : Buffer.concat([this.received, chunk]);
    for (;;) {
      const ends: number[] = [];
      let from = 0;
      while (ends.length < 3) {
        const end = this.received.indexOf(0, from);
        if (end < 0) break;
        ends.push(end);
        from = end + 1;
      }
      if (ends.length < 3) return;
      const id = Number(this.received.toString('utf8', 0, ends[0]));
      const status = Number(this.received.toString('utf8', ends[0]! + 1, ends[1]));
      const stderr = this.received.toString('utf8', ends[1]! + 1, ends[2]);
      this.received = this.received.subarray(ends[2]! + 1);
      const resolve = this.pending.get(id);
      if (resolve !== undefined && this.settle(id)) resolve({ status, stderr });
    }
  }

  /** Ends the runner once the tools under way are done. */
  close(): void {
    this.child?.stdin?.end();
  }
}
