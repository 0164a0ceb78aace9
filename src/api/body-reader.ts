// Reads a request body within a byte cap while it streams. Past the cap (declared by
// Content-Length or counted on the wire) it rejects at once with 413 and discards the rest of the
// body, so the client, still sending, gets to read the 413 on a connection that stays usable;
// a client that keeps sending far past the cap has its connection dropped.
import type { IncomingMessage } from 'node:http';
import { errors } from '../errors/lambda-error.js';

const EMPTY = Buffer.alloc(0);
/** At least this much beyond the cap is read and thrown away before the connection is dropped. */
const MIN_DISCARD_BYTES = 8 * 1024 * 1024;
/** Past that, reading stops and the connection is dropped this long after. */
const LINGER_BEFORE_DROP_MS = 2000;

/** The client went away before the body was complete; there is nobody to answer. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
}

/** True when the request says it has no body, so the server need not wait for one. */
export function declaresNoBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined;
}

export function emptyBody(): Buffer {
  return EMPTY;
}

/**
 * The whole body, at most `limit` bytes. Rejects with 413 RequestEntityTooLargeException
 * (`Request must be smaller than <limit> bytes for the <operation> operation`) or ClientGoneError.
 */
export function readBody(req: IncomingMessage, limit: number, operation: string): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      discardRest(req, limit);
      reject(errors.requestTooLarge(limit, operation));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        discardRest(req, limit);
        reject(errors.requestTooLarge(limit, operation));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks, size));
    };
    const onGone = (): void => {
      cleanup();
      reject(new ClientGoneError('The client closed the connection before sending the whole body.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}

function discardRest(req: IncomingMessage, limit: number): void {
  const allowance = Math.max(limit, MIN_DISCARD_BYTES);
  let discarded = 0;
  req.on('error', () => {});
  const onData = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded <= allowance) return;
    // Stop reading instead of resetting at once: a reset now could discard the 413 still unread
    // in the client's receive buffer. TCP back-pressure holds the client; drop it a little later.
    req.off('data', onData);
    req.pause();
    setTimeout(() => req.socket.destroy(), LINGER_BEFORE_DROP_MS).unref();
  };
  req.on('data', onData);
  req.resume();
}
