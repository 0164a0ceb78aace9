// Checks on the platform's per-invocation log lines, in the form Lambda writes them
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html, "Log format").
import assert from 'node:assert/strict';

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ReportLine {
  readonly durationMs: number;
  readonly billedMs: number;
  readonly memorySizeMb: number;
  readonly maxMemoryUsedMb: number;
  readonly initDurationMs: number | undefined;
}

/** Asserts START, END and REPORT lines for `requestId` and returns the parsed REPORT. */
export function assertInvocationLines(logs: string, requestId: string, memorySizeMb = 128): ReportLine {
  const id = escape(requestId);
  assert.match(logs, new RegExp(`^START RequestId: ${id} Version: \\S+`, 'm'), `START line in:\n${logs}`);
  assert.match(logs, new RegExp(`^END RequestId: ${id}\\s*$`, 'm'), `END line in:\n${logs}`);
  const report = new RegExp(
    `^REPORT RequestId: ${id}\\s+Duration: ([\\d.]+) ms\\s+Billed Duration: (\\d+) ms\\s+` +
      `Memory Size: (\\d+) MB\\s+Max Memory Used: (\\d+) MB(?:\\s+Init Duration: ([\\d.]+) ms)?`,
    'm',
  ).exec(logs);
  assert.ok(report, `REPORT line for ${requestId} in:\n${logs}`);
  const parsed: ReportLine = {
    durationMs: Number(report[1]),
    billedMs: Number(report[2]),
    memorySizeMb: Number(report[3]),
    maxMemoryUsedMb: Number(report[4]),
    initDurationMs: report[5] === undefined ? undefined : Number(report[5]),
  };
  assert.equal(parsed.memorySizeMb, memorySizeMb);
  assert.ok(parsed.billedMs >= Math.floor(parsed.durationMs), 'Billed Duration is at least Duration');
  assert.ok(parsed.maxMemoryUsedMb > 0, 'Max Memory Used is reported');
  return parsed;
}

/** A Node console.log line: `timestamp\trequestId\tINFO\tmessage`. */
export function assertNodeConsoleLine(logs: string, requestId: string, message: string): void {
  const line = new RegExp(
    `^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${escape(requestId)}\\tINFO\\t${escape(message)}$`,
    'm',
  );
  assert.match(logs, line, `console.log line "${message}" in:\n${logs}`);
}

/** The request id of the one START line in a log tail. */
export function startRequestId(logs: string): string {
  const ids = [...logs.matchAll(/^START RequestId: (\S+)/gm)].map((match) => match[1]!);
  assert.equal(ids.length, 1, `exactly one START line in:\n${logs}`);
  return ids[0]!;
}
