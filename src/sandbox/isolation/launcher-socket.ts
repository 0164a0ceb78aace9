// Where launchers forked by the command runner reach Hearth (parked-launcher.ts, the init's
// `park --connect`): Hearth forks no launcher itself, so it makes no pipes for one; instead the
// launcher connects to this unix socket once for each fd it needs (stdout, stderr, bwrap's pipes,
// the command channel) and says `<token> <fd> <pid>\n` first. The connections then serve exactly as
// the socketpairs Node's spawn would have made.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** A launcher's connections, by the fd each stands for in it. */
export interface ConnectedLauncher {
  readonly pid: number;
  readonly fds: ReadonlyMap<number, net.Socket>;
}

interface Expected {
  readonly fds: ReadonlySet<number>;
  readonly sockets: Map<number, net.Socket>;
  pid: number;
  resolve(launcher: ConnectedLauncher): void;
  reject(error: Error): void;
}

/** The greeting is short; a peer that says more than this before its newline is not a launcher. */
const MAX_GREETING = 160;

export class LauncherSocket {
  private server: net.Server | undefined;
  private listening: Promise<void> | undefined;
  private readonly expected = new Map<string, Expected>();
  private readonly prefix = randomBytes(6).toString('hex');
  private next = 0;

  constructor(readonly path: string) {}

  /** Listens (the first call), root only. */
  open(): Promise<void> {
    this.listening ??= (async () => {
      await mkdir(path.dirname(this.path), { recursive: true, mode: 0o711 });
      await rm(this.path, { force: true });
      const server = net.createServer((socket) => this.greeted(socket));
      this.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.path, () => resolve());
      });
      server.unref();
      await chmod(this.path, 0o600);
    })();
    this.listening.catch(() => {
      this.listening = undefined;
    });
    return this.listening;
  }

  /** A token for a launcher that will connect `fds`; `connected` resolves once all of them have. */
  expect(fds: readonly number[]): { token: string; connected: Promise<ConnectedLauncher>; cancel(): void } {
    const token = `${this.prefix}-${++this.next}`;
    const connected = new Promise<ConnectedLauncher>((resolve, reject) => {
      this.expected.set(token, { fds: new Set(fds), sockets: new Map(), pid: 0, resolve, reject });
    });
    connected.catch(() => undefined);
    return { token, connected, cancel: () => this.drop(token, 'the launcher ended before it connected all its fds') };
  }

  /** Forgets an expected launcher, closing what it had connected. */
  private drop(token: string, reason: string): void {
    const entry = this.expected.get(token);
    if (entry === undefined) return;
    this.expected.delete(token);
    for (const socket of entry.sockets.values()) socket.destroy();
    entry.reject(new Error(reason));
  }

  private greeted(socket: net.Socket): void {
    socket.on('error', () => undefined);
    let text: Buffer = Buffer.alloc(0);
    // Read in paused mode ('readable'), so that once its listener is gone the socket is as a new one:
    // whoever reads it next (a 'data' listener, a pipe) starts it flowing.
    const onReadable = (): void => {
      for (let chunk: Buffer | null; (chunk = socket.read() as Buffer | null) !== null;) {
        text = text.length === 0 ? chunk : Buffer.concat([text, chunk]);
        const end = text.indexOf(10);
        if (end < 0) continue;
        socket.off('readable', onReadable);
        // What came after the greeting (the launcher's "R" on its channel) is read as usual later.
        if (end + 1 < text.length) socket.unshift(text.subarray(end + 1));
        this.accept(socket, text.toString('latin1', 0, end));
        return;
      }
      if (text.length > MAX_GREETING) socket.destroy();
    };
    socket.on('readable', onReadable);
  }

  private accept(socket: net.Socket, greeting: string): void {
    const [token, fdText, pidText] = greeting.split(' ');
    const entry = token === undefined ? undefined : this.expected.get(token);
    const fd = Number(fdText);
    if (entry === undefined || !entry.fds.has(fd) || entry.sockets.has(fd)) {
      socket.destroy();
      return;
    }
    entry.sockets.set(fd, socket);
    entry.pid = Number(pidText);
    if (entry.sockets.size < entry.fds.size) return;
    this.expected.delete(token!);
    entry.resolve({ pid: entry.pid, fds: entry.sockets });
  }

  close(): void {
    this.server?.close();
    for (const token of [...this.expected.keys()]) this.drop(token, 'Hearth is shutting down');
    void rm(this.path, { force: true }).catch(() => undefined);
  }
}
