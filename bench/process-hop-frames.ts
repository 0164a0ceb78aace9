// Frames of the process-hop floor: a 4-byte big-endian length, then that many bytes.
import type { Writable } from 'node:stream';

export function writeFrame(out: Writable, body: Buffer): void {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32BE(body.length, 0);
  out.write(Buffer.concat([head, body]));
}

/** Cuts a byte stream into frames, calling `onFrame` with each body in order. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (body: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32BE(0);
      if (this.pending.length < 4 + length) return;
      const body = this.pending.subarray(4, 4 + length);
      this.pending = this.pending.subarray(4 + length);
      this.onFrame(body);
    }
  }
}
