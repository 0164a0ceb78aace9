// The log of one invocation: platform lines (START/END/REPORT) always, the function's output up to
// a cap (past it, one truncation notice — OpenWhisk's wording), and, when the caller asked for
// `LogType: Tail`, the last 4 KB of it all (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html:
// "the last 4 KB of the execution log"). Every kept line goes to `emit` (the LogSink) at once,
// marked with who wrote it and this invocation's request id — set here, never read from the text,
// so a function that prints `REPORT RequestId: <other>` writes a function line of its own
// invocation (LAMBDA-BEHAVIOUR D25). The tail stays the raw text, as Lambda's LogResult is.
import type { LogEvent } from '../storage/ports.js';

/** A log line before the sink stamps it with a time and a stream. */
export type LogLine = Pick<LogEvent, 'message' | 'source' | 'requestId'>;

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const TAIL_BYTES = 4096;

export class InvocationLog {
  private outputBytes = 0;
  private truncated = false;
  private readonly tailLines: string[] | undefined;
  private tailBytes = 0;

  constructor(
    private readonly requestId: string,
    private readonly emit: (line: LogLine) => void,
    keepTail: boolean,
    private readonly maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES,
  ) {
    this.tailLines = keepTail ? [] : undefined;
  }

  /** Output written before this invocation began (init, or between invocations): already emitted, only tailed. */
  earlier(line: string): void {
    this.addToTail(line);
  }

  /** A line Hearth writes about this invocation (START, END, REPORT, notices). */
  platform(line: string): void {
    this.keep(line, 'platform');
  }

  /** A line the function wrote to stdout or stderr while this invocation ran. */
  output(line: string): void {
    if (this.truncated) return;
    this.outputBytes += Buffer.byteLength(line) + 1;
    if (this.outputBytes > this.maxOutputBytes) {
      this.truncated = true;
      this.keep(
        `Logs were truncated because the total bytes size exceeds the limit of ${this.maxOutputBytes} bytes.`,
        'platform',
      );
      return;
    }
    this.keep(line, 'function');
  }

  /** The last `maxBytes` bytes of the log text (lines ending in '\n'), cut on a character boundary. */
  tail(maxBytes = TAIL_BYTES): string | undefined {
    if (this.tailLines === undefined) return undefined;
    const bytes = Buffer.from(this.tailLines.map((line) => `${line}\n`).join(''));
    if (bytes.length <= maxBytes) return bytes.toString('utf8');
    let start = bytes.length - maxBytes;
    while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start += 1; // skip UTF-8 continuation bytes
    return bytes.subarray(start).toString('utf8');
  }

  private keep(line: string, source: LogLine['source']): void {
    this.emit({ message: line, source, requestId: this.requestId });
    this.addToTail(line);
  }

  private addToTail(line: string): void {
    const lines = this.tailLines;
    if (lines === undefined) return;
    lines.push(line);
    this.tailBytes += Buffer.byteLength(line) + 1;
    while (lines.length > 1 && this.tailBytes - Buffer.byteLength(lines[0] ?? '') - 1 >= TAIL_BYTES) {
      this.tailBytes -= Buffer.byteLength(lines.shift() ?? '') + 1;
    }
  }
}
