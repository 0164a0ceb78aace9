// The X-Ray trace header handed to the runtime in Lambda-Runtime-Trace-Id (and exported by runtime
// clients as _X_AMZN_TRACE_ID). Format from the X-Ray docs:
// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
import { randomBytes } from 'node:crypto';

export function newTraceId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  const random = randomBytes(20).toString('hex');
  return `Root=1-${seconds}-${random.slice(0, 24)};Parent=${random.slice(24, 40)};Sampled=0`;
}
