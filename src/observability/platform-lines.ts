// The platform's own log lines per invocation, in Lambda's exact text
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html#node-logging-output, and the
// newer REPORT `Status:` / `Error Type:` fields from the execution environment lifecycle doc).

export interface ReportFields {
  readonly requestId: string;
  readonly durationMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  /** hearth:memory-burst: set when the sandbox may use more than MemorySize (docs/tags.md). */
  readonly memoryBurstMb?: number;
  /** Only on the first invocation of a sandbox. */
  readonly initDurationMs: number | undefined;
  readonly status: 'timeout' | 'error' | undefined;
  readonly errorType: string | undefined;
}

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

/** Lambda bills in 1 ms steps, rounded up. */
export function billedDurationMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/** Hearth's addition when a burst-enabled sandbox went past MemorySize: the peak is what is billed. */
function burstNote(fields: ReportFields): string {
  return fields.memoryBurstMb !== undefined && fields.maxMemoryUsedMb > fields.memorySizeMb
    ? ` (burst above ${fields.memorySizeMb} MB)`
    : '';
}

export function reportLine(fields: ReportFields): string {
  let line =
    `REPORT RequestId: ${fields.requestId}\t` +
    `Duration: ${fields.durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${billedDurationMs(fields.durationMs)} ms\t` +
    `Memory Size: ${fields.memorySizeMb} MB\t` +
    `Max Memory Used: ${fields.maxMemoryUsedMb} MB${burstNote(fields)}\t`;
  if (fields.initDurationMs !== undefined) line += `Init Duration: ${fields.initDurationMs.toFixed(2)} ms\t`;
  if (fields.status !== undefined) line += `Status: ${fields.status}\t`;
  if (fields.errorType !== undefined) line += `Error Type: ${fields.errorType}\t`;
  return line;
}
