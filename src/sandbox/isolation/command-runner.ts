// Host tools (mkfs.ext4, mount, umount, …) run through Hearth's init in `runner` mode (sandbox-init.c):
// a small process that forks them, so that Hearth's own large process does not. A fork copies the
// forking process's page tables: from a 100–150 MB Node server that is ~3–10 ms of CPU per tool, on
// its event loop, and an isolated start ran three tools (mkfs.ext4 and mount for the next /tmp disk,
// umount for the last one): ~30 ms of the server's CPU per start, measured with
// bench/probes/many-probe.ts. The runner forks from ~100 KB.
// It is started on first use and ends with Hearth (its stdin closes); if it dies, the next command
// starts another.
import { spawn, type ChildProcess } from 'node:child_process';

/** How a tool ended: its exit code (or 128 + signal) and what it wrote on stderr (first 4 KB). */
export interface ToolExit {
  readonly status: number;
  readonly stderr: string;
}

export class CommandRunner {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, (exit: ToolExit) => void>();
  private nextId = 1;
  private received: Buffer = Buffer.alloc(0);

  constructor(private readonly init: string) {}

  /** Runs `command` with `args` in /, its stdin and stdout on /dev/null; rejects only if the runner is gone. */
  run(command: string, args: readonly string[]): Promise<ToolExit> {
    const child = this.started();
    const id = this.nextId++;
    const fields = [String(id), String(args.length + 1), command, ...args];
    return new Promise<ToolExit>((resolve, reject) => {
      // While a tool runs, the runner keeps Hearth's event loop alive; idle, it does not.
      if (this.pending.size === 0) child.ref();
      this.pending.set(id, resolve);
      child.stdin!.write(fields.map((field) => `${field}\0`).join(''), (error) => {
        if (error === undefined || error === null || !this.pending.delete(id)) return;
        if (this.pending.size === 0) this.child?.unref();
        reject(error);
      });
    });
  }

  private started(): ChildProcess {
    if (this.child !== undefined) return this.child;
    const child = spawn(this.init, ['runner'], { stdio: ['pipe', 'pipe', 'inherit'], cwd: '/' });
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
      this.pending.delete(id);
      if (this.pending.size === 0) this.child?.unref();
      resolve?.({ status, stderr });
    }
  }

  /** Ends the runner once the tools under way are done. */
  close(): void {
    this.child?.stdin?.end();
  }
}
