// `hearth logs NAME [--follow] [--since-seq N] [--json]`: the function's stored log lines, oldest
// first, from Hearth's logs endpoint; --follow keeps polling until Ctrl-C. Lines are printed with
// terminal control characters made visible (`\r`, `\x1b`), so a function cannot rewrite what the
// operator sees; --json prints one object per line with who wrote it and its request id (D25).
import { setTimeout as sleep } from 'node:timers/promises';
import type { Command } from 'commander';
import type { CliOutput } from '../cli-output.js';
import type { LambdaClient } from '../lambda-client.js';
import type { LogEvent } from '../lambda-wire.js';
import { wholeNumberOption } from '../number-option.js';
import { openLambdaClient } from '../open-lambda-client.js';
import { terminalSafeJson, visibleControls } from '../terminal-text.js';

const PAGE_SIZE = 500;
const FOLLOW_INTERVAL_MS = 500;

interface LogsFlags {
  readonly follow?: boolean;
  readonly sinceSeq?: number;
  readonly json?: boolean;
}

export function registerLogs(program: Command, output: CliOutput): void {
  program
    .command('logs')
    .description("print a function's stored log lines (START, END, REPORT and its own output)")
    .argument('<name>', 'function name')
    .option('-f, --follow', 'keep printing new lines until Ctrl-C')
    .option('--since-seq <n>', 'only lines after this sequence number', wholeNumberOption('--since-seq', 0))
    .option('--json', 'one JSON object per line: seq, timestamp, logStream, source, requestId, message')
    .action(async (name: string, flags: LogsFlags) => {
      const client = await openLambdaClient();
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        let after = flags.sinceSeq ?? 0;
        for (;;) {
          after = await printAvailable(client, name, after, output, flags.json === true, stop.signal);
          if (flags.follow !== true || stop.signal.aborted) return;
          await sleep(FOLLOW_INTERVAL_MS, undefined, { signal: stop.signal }).catch(() => undefined);
          if (stop.signal.aborted) return;
        }
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}

/** Prints every line after `after`, page by page; returns the last sequence number seen. */
async function printAvailable(
  client: LambdaClient,
  name: string,
  after: number,
  output: CliOutput,
  json: boolean,
  signal: AbortSignal,
): Promise<number> {
  let cursor = after;
  while (!signal.aborted) {
    const page = await client.getLogs(name, cursor, PAGE_SIZE);
    for (const event of page.events) output.stdout(`${json ? jsonLine(event) : textLine(event)}\n`);
    const next = page.events.at(-1)?.seq ?? cursor;
    // The server may cap a page below PAGE_SIZE, so only an empty page means "caught up".
    if (next <= cursor) return cursor;
    cursor = next;
  }
  return cursor;
}

/** The line as written, without its newline, with what a terminal would act on made visible. */
function textLine(event: LogEvent): string {
  return visibleControls(event.message.endsWith('\n') ? event.message.slice(0, -1) : event.message);
}

function jsonLine(event: LogEvent): string {
  return terminalSafeJson({
    seq: event.seq,
    timestamp: event.timestamp,
    logStream: event.logStream,
    source: event.source,
    requestId: event.requestId ?? null,
    message: event.message,
  });
}
