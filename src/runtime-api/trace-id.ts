// The X-Ray trace header handed to the runtime in Lambda-Runtime-Trace-Id (and exported by runtime
// clients as _X_AMZN_TRACE_ID). Format from the X-Ray docs:
// https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
import { randomUUID } from 'node:crypto';

export function newTraceId(nowMs: number): string {
  const seconds = Math.floor(nowMs / 1000)
    .toString(16)
    .padStart(8, '0');
  // randomUUID draws from Node's cached entropy pool, far cheaper per call than randomBytes.
  const root = randomUUID().replaceAll('-', '').slice(0, 24);
  const parent = randomUUID().replaceAll('-', '').slice(0, 16);
  return `Root=1-${seconds}-${root};Parent=${parent};Sampled=0`;
}
