// Hearth's runtime channel: the Runtime API's four operations as length-prefixed frames, spoken
// only between Hearth and its own runtime clients (the HTTP Runtime API stays for every other
// client). A runtime asks for it on Hearth's unix socket with an HTTP/1.1 Upgrade to
// `hearth-frames/1` on FRAMES_PATH; after the 101 both sides write frames. It saves each warm
// invocation two HTTP exchanges' parsing and objects on both sides (docs/architecture.md).
//
// A frame: u32 BE length of what follows, u8 type, the type's string fields (each u32 BE byte
// length + UTF-8), then the body (all that is left). Lives here, in the Node runtime's folder,
// because the sandbox sees only this folder; the platform's side (runtime-api/) imports it.

export const FRAMES_PROTOCOL = 'hearth-frames/1';
export const FRAMES_PATH = '/2018-06-01/hearth/frames';

export const FrameType = {
  /** runtime → Hearth: ready for the next event (GET /next). */
  Next: 1,
  /** runtime → Hearth: [requestId], body = the response (POST …/response). */
  Response: 2,
  /** runtime → Hearth: [requestId, errorType], body = the error (POST …/error). */
  Error: 3,
  /** runtime → Hearth: [errorType], body = the error (POST /init/error). */
  InitError: 4,
  /** Hearth → runtime: [requestId, deadlineMs, invokedFunctionArn, traceId, clientContext ('' = none)], body = the event. */
  Event: 16,
  /** Hearth → runtime: [operation, status], body = the Runtime API's error JSON: a refused request. */
  Status: 17,
  /**
   * Hearth → runtime, once, to a pre-started runtime (specialise.ts): body = JSON { env }, the
   * function's complete environment. The connection then carries that function's frames.
   */
  Specialise: 18,
} as const;

export type FrameTypeNumber = (typeof FrameType)[keyof typeof FrameType];

/** How many string fields each frame type has. */
const FIELDS: Readonly<Record<number, number>> = { 1: 0, 2: 1, 3: 2, 4: 1, 16: 5, 17: 2, 18: 0 };

export interface Frame {
  readonly type: number;
  readonly fields: readonly string[];
  readonly body: Buffer;
}

const EMPTY = Buffer.alloc(0);

/**
 * A frame as two buffers (head with length, type and fields; then the body) to be written
 * back to back: the body is never copied.
 */
export function encodeFrame(type: FrameTypeNumber, fields: readonly string[], body?: Buffer | string): Buffer[] {
  const bodyBytes = body === undefined ? EMPTY : typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let fieldBytes = 0;
  for (const field of fields) fieldBytes += 4 + Buffer.byteLength(field, 'utf8');
  const head = Buffer.allocUnsafe(5 + fieldBytes);
  head.writeUInt32BE(1 + fieldBytes + bodyBytes.length, 0);
  head[4] = type;
  let offset = 5;
  for (const field of fields) {
    const length = head.write(field, offset + 4, 'utf8');
    head.writeUInt32BE(length, offset);
    offset += 4 + length;
  }
  return bodyBytes.length === 0 ? [head] : [head, bodyBytes];
}

/**
 * Splits a byte stream into frames. A frame longer than `maxFrameBytes` is not buffered: `onOversized`
 * gets its type and the rest of it is skipped as it arrives. A malformed frame (unknown type, fields
 * that overrun it) throws: the connection is then beyond repair.
 */
export class FrameDecoder {
  private buffer: Buffer = EMPTY;
  /** Bytes of an oversized frame still to be skipped. */
  private skip = 0;

  constructor(
    private readonly onFrame: (frame: Frame) => void,
    private readonly maxFrameBytes = Number.MAX_SAFE_INTEGER,
    private readonly onOversized: (type: number) => void = () => {},
  ) {}

  push(chunk: Buffer): void {
    if (this.skip > 0) {
      if (chunk.length <= this.skip) {
        this.skip -= chunk.length;
        return;
      }
      chunk = chunk.subarray(this.skip);
      this.skip = 0;
    }
    let data = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    let offset = 0;
    while (data.length - offset >= 5) {
      const length = data.readUInt32BE(offset);
      const type = data[offset + 4] as number;
      if (length > this.maxFrameBytes) {
        this.onOversized(type);
        const available = data.length - offset - 4;
        if (available >= length) {
          offset += 4 + length;
          continue;
        }
        this.skip = length - available;
        data = EMPTY;
        offset = 0;
        break;
      }
      if (data.length - offset - 4 < length) break;
      this.onFrame(decodeFrame(data, offset + 4, offset + 4 + length));
      offset += 4 + length;
    }
    this.buffer = offset === data.length ? EMPTY : data.subarray(offset);
  }
}

function decodeFrame(data: Buffer, start: number, end: number): Frame {
  const type = data[start] as number;
  const count = FIELDS[type];
  if (count === undefined) throw new Error(`Unknown frame type ${type}`);
  const fields: string[] = [];
  let offset = start + 1;
  for (let i = 0; i < count; i++) {
    if (offset + 4 > end) throw new Error(`Frame of type ${type} ends inside its fields`);
    const length = data.readUInt32BE(offset);
    if (offset + 4 + length > end) throw new Error(`Frame of type ${type} ends inside its fields`);
    fields.push(data.toString('utf8', offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return { type, fields, body: data.subarray(offset, end) };
}
