// The log of one invocation: platform lines (START/END/REPORT) always, the function's output up to
// a cap (past it, one truncation notice — OpenWhisk's wording), and, when the caller asked for
// `LogType: Tail`, the last 4 KB of it all (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html:
// "the last 4 KB of the execution log"). Every kept line goes to `emit` (the LogSink) at once.

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const TAIL_BYTES = 4096;

export class InvocationLog {
  private outputBytes = 0;
  private truncated = false;
  private readonly tailLines: string[] | undefined;
  private tailBytes = 0;

  constructor(
    private readonly emit: (message: string) => void,
    keepTail: boolean,
    private readonly maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES,
  ) {
    this.tailLines = keepTail ? [] : undefined;
  }

  /** Output written before this invocation began (init, or between invocations): already emitted, only tailed. */
  earlier(line: string): void {
    this.addToTail(line);
  }

  platform(line: string): void {
    this.keep(line);
  }

  output(line: string): void {
    if (this.truncated) return;
    this.outputBytes += Buffer.byteLength(line) + 1;
    if (this.outputBytes > this.maxOutputBytes) {
      this.truncated = true;
      this.keep(`Logs were truncated because the total bytes size exceeds the limit of ${this.maxOutputBytes} bytes.`);
      return;
    }
    this.keep(line);
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

  private keep(line: string): void {
    this.emit(line);
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
