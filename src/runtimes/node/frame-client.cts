// The Node runtime's side of Hearth's runtime channel (frame-codec.ts): one unix-socket connection,
// upgraded from HTTP once, then one frame per operation. An answer and the next "ready" written in
// the same tick leave in one write; the platform's next event is the only thing read back (a
// refused answer comes back as a Status frame and is not acted on, as with HTTP's 4xx).
// Like HttpConnection, the socket is unref'd while no event is awaited, so it never keeps the
// event loop alive (invocation-runner relies on that to see an empty loop).
import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder, FRAMES_PATH, FRAMES_PROTOCOL, FrameType, type Frame } from './frame-codec.cjs';
import type { NextInvocation, RuntimeChannel } from './runtime-api-client.cjs';
import type { ErrorPayload } from './runtime-errors.cjs';

const HEAD_END = '\r\n\r\n';

interface Waiting {
  readonly resolve: (invocation: NextInvocation) => void;
  readonly reject: (error: Error) => void;
}

export class FrameClient implements RuntimeChannel {
  private waiting: Waiting | undefined;
  /** The Specialise frame's environment; settled when it arrives, even before anybody asks (it can
   *  come in the same read as the 101, before connect() has resolved), or when the channel fails. */
  private readonly specialised: Promise<Record<string, string>>;
  private specialise: { resolve(env: Record<string, string>): void; reject(error: Error): void } = {
    resolve: () => undefined,
    reject: () => undefined,
  };
  private failure: Error | undefined;
  private readonly decoder = new FrameDecoder((frame) => this.onFrame(frame));

  private constructor(private readonly socket: Socket) {
    this.specialised = new Promise((resolve, reject) => (this.specialise = { resolve, reject }));
    // Only a pre-started runtime asks for it: a failure nobody waits for is no unhandled rejection.
    this.specialised.catch(() => undefined);
    socket.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk);
      } catch (error) {
        this.fail(error as Error);
      }
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('Runtime API connection closed')));
    socket.unref();
  }

  /** Connects and upgrades; undefined when the server does not speak frames (use HTTP then). */
  static connect(socketPath: string): Promise<FrameClient | undefined> {
    return new Promise((resolve, reject) => {
      const socket = connect({ path: socketPath });
      let head = '';
      const onData = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        const end = head.indexOf(HEAD_END);
        if (end === -1) return;
        cleanup();
        if (!/^HTTP\/1\.1 101 /.test(head)) {
          socket.destroy();
          resolve(undefined);
          return;
        }
        const client = new FrameClient(socket);
        const rest = Buffer.from(head.slice(end + HEAD_END.length), 'latin1');
        if (rest.length > 0) client.decoder.push(rest);
        resolve(client);
      };
      const onError = (error: Error): void => {
        cleanup();
        socket.destroy();
        reject(error);
      };
      const onClose = (): void => onError(new Error('Runtime API connection closed during upgrade'));
      const cleanup = (): void => {
        socket.off('data', onData);
        socket.off('error', onError);
        socket.off('close', onClose);
      };
      socket.on('data', onData);
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.write(
        `GET ${FRAMES_PATH} HTTP/1.1\r\nHost: runtime\r\nConnection: Upgrade\r\nUpgrade: ${FRAMES_PROTOCOL}\r\n\r\n`,
      );
    });
  }

  /**
   * A pre-started runtime's wait for its function (specialise.ts): resolves with the environment
   * of the Specialise frame; the connection then serves that function.
   */
  specialisation(): Promise<Record<string, string>> {
    this.socket.ref();
    return this.specialised.finally(() => this.socket.unref());
  }

  next(): Promise<NextInvocation> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.waiting !== undefined) return Promise.reject(new Error('Already waiting for the next event'));
    return new Promise<NextInvocation>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.ref();
      this.write(encodeFrame(FrameType.Next, []));
    });
  }

  postResponse(requestId: string, json: string): Promise<void> {
    return this.send(encodeFrame(FrameType.Response, [requestId], json));
  }

  postError(requestId: string, payload: ErrorPayload): Promise<void> {
    return this.send(encodeFrame(FrameType.Error, [requestId, payload.errorType], JSON.stringify(payload)));
  }

  postInitError(payload: ErrorPayload): Promise<void> {
    return this.send(encodeFrame(FrameType.InitError, [payload.errorType], JSON.stringify(payload)));
  }

  /** Resolves once the frame is handed to the kernel (so a process.exit after it loses nothing). */
  private send(parts: Buffer[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      this.write(parts, (error) => (error ? reject(error) : resolve()));
    });
  }

  private write(parts: Buffer[], done?: (error?: Error | null) => void): void {
    const socket = this.socket;
    // Frames written in the same tick (an answer and the next "ready") leave in one write.
    if (socket.writableCorked === 0) {
      socket.cork();
      process.nextTick(() => socket.uncork());
    }
    const last = parts.length - 1;
    parts.forEach((part, i) => socket.write(part, i === last ? done : undefined));
  }

  private onFrame(frame: Frame): void {
    if (frame.type === FrameType.Specialise) {
      try {
        this.specialise.resolve((JSON.parse(frame.body.toString('utf8')) as { env: Record<string, string> }).env);
      } catch (error) {
        this.specialise.reject(error as Error);
      }
      return;
    }
    if (frame.type === FrameType.Event) {
      const [requestId = '', deadlineMs = '0', invokedFunctionArn = '', traceId = '', clientContext = ''] =
        frame.fields;
      this.settle()?.resolve({
        requestId,
        deadlineMs: Number(deadlineMs),
        invokedFunctionArn,
        traceId: traceId === '' ? undefined : traceId,
        clientContext: clientContext === '' ? undefined : clientContext,
        cognitoIdentity: undefined,
        tenantId: undefined,
        body: frame.body.toString('utf8'),
      });
      return;
    }
    if (frame.type === FrameType.Status && frame.fields[0] === 'next') {
      this.settle()?.reject(new Error(`next answered ${frame.fields[1] ?? ''}: ${frame.body.toString('utf8')}`));
    }
    // A refused answer (Status for response/error/init-error): the platform reports it itself.
  }

  private settle(): Waiting | undefined {
    const waiting = this.waiting;
    this.waiting = undefined;
    this.socket.unref();
    return waiting;
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    this.socket.destroy();
    this.settle()?.reject(error);
    this.specialise.reject(error);
  }
}
