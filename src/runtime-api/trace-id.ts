// The X-Ray trace header handed to the runtime in Lambda-Runtime-Trace-Id (and exported by runtime
// clients as _X_AMZN_TRACE_ID). Format from the X-Ray docs:
// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
import { randomFillSync } from 'node:crypto';

/** Random bytes for the ids are drawn from a pool filled 1 KiB at a time (one per invocation is 20 bytes). */
const POOL_BYTES = 1020;
const ID_BYTES = 20;

export class TraceIds {
  private readonly pool = Buffer.alloc(POOL_BYTES);
  private offset = POOL_BYTES;

  /** `Root=1-<epoch seconds, 8 hex>-<24 hex>;Parent=<16 hex>;Sampled=0`. */
  next(nowMs: number): string {
    if (this.offset + ID_BYTES > POOL_BYTES) {
      randomFillSync(this.pool);
      this.offset = 0;
    }
    const start = this.offset;
    this.offset += ID_BYTES;
    const seconds = Math.floor(nowMs / 1000)
      .toString(16)
      .padStart(8, '0');
    const root = this.pool.toString('hex', start, start + 12);
    const parent = this.pool.toString('hex', start + 12, start + ID_BYTES);
    return `Root=1-${seconds}-${root};Parent=${parent};Sampled=0`;
  }
}
