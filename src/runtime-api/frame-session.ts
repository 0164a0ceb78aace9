// One connection of Hearth's runtime channel (runtimes/node/frame-codec.ts): the runtime upgraded
// its HTTP connection to frames. Turns frames into calls on the sandbox's RuntimeApiServer and
// writes events and refusals back. Frames are handled in the order they arrive, so an answer and
// the next "ready" written together are taken in that order, with no pipelining rules to follow.
import type { Socket } from 'node:net';
import type { RuntimeInvocation } from './runtime-api-server.js';
import { encodeFrame, FrameDecoder, FrameType, type Frame } from '../runtimes/node/frame-codec.cjs';

/** What the runtime did on a frame connection (the Runtime API server implements it). */
export interface FrameHandler {
  next(session: FrameSession): void;
  answer(session: FrameSession, kind: 'response' | 'error', requestId: string, errorType: string, body: Buffer): void;
  initError(session: FrameSession, errorType: string, body: Buffer): void;
  /** A frame past the size cap: an answer (to the invocation the runtime holds) or an init error. */
  oversized(session: FrameSession, what: 'answer' | 'init-error'): void;
  closed(session: FrameSession): void;
}

export class FrameSession {
  private readonly decoder: FrameDecoder;

  constructor(
    private readonly socket: Socket,
    private readonly handler: FrameHandler,
    maxFrameBytes: number,
  ) {
    this.decoder = new FrameDecoder(
      (frame) => this.onFrame(frame),
      maxFrameBytes,
      (type) => handler.oversized(this, type === FrameType.InitError ? 'init-error' : 'answer'),
    );
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => handler.closed(this));
  }

  /** True once the connection is gone. */
  get gone(): boolean {
    return this.socket.destroyed;
  }

  /** Bytes that arrived with the upgrade request, before the socket was handed over. */
  push(head: Buffer): void {
    if (head.length > 0) this.feed(head);
  }

  sendEvent(event: RuntimeInvocation): void {
    this.write(
      encodeFrame(
        FrameType.Event,
        [event.requestId, String(event.deadlineMs), event.invokedFunctionArn, event.traceId, event.clientContext ?? ''],
        event.payload,
      ),
    );
  }

  /** A refused request; `operation` is the frame it answers ('next', 'response', 'error', 'init-error'). */
  sendStatus(operation: string, status: number, body: Buffer): void {
    this.write(encodeFrame(FrameType.Status, [operation, String(status)], body));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private write(parts: Buffer[]): void {
    if (this.socket.destroyed) return;
    if (parts.length === 1) {
      this.socket.write(parts[0] as Buffer);
      return;
    }
    this.socket.cork();
    for (const part of parts) this.socket.write(part);
    this.socket.uncork();
  }

  private feed(chunk: Buffer): void {
    try {
      this.decoder.push(chunk);
    } catch {
      this.socket.destroy(); // a malformed frame: nothing after it can be trusted
    }
  }

  private onFrame(frame: Frame): void {
    const [first = '', second = ''] = frame.fields;
    switch (frame.type) {
      case FrameType.Next:
        return this.handler.next(this);
      case FrameType.Response:
        return this.handler.answer(this, 'response', first, '', frame.body);
      case FrameType.Error:
        return this.handler.answer(this, 'error', first, second, frame.body);
      case FrameType.InitError:
        return this.handler.initError(this, first, frame.body);
      default:
        throw new Error(`A runtime does not send frames of type ${frame.type}`);
    }
  }
}
