// Reads a request body into one Buffer, up to a cap. Past the cap the rest is read and dropped (so
// the keep-alive connection stays usable) and the result says so; memory stays bounded at the cap.
// Never rejects: a runtime that hangs up mid-body (it crashed, or was killed) is `aborted`, and the
// sandbox's exit reports what happened.
import type { IncomingMessage } from 'node:http';

export type BodyRead =
  { readonly kind: 'ok'; readonly body: Buffer } | { readonly kind: 'too-large' } | { readonly kind: 'aborted' };

export function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const declared = Number(request.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > maxBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (tooLarge) resolve({ kind: 'too-large' });
      else resolve({ kind: 'ok', body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    });
    request.on('error', () => resolve({ kind: 'aborted' }));
    // 'close' without 'end': the connection went away mid-body (resolving twice is a no-op).
    request.on('close', () => {
      if (!request.complete) resolve({ kind: 'aborted' });
    });
  });
}
