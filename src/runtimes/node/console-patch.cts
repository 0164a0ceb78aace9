// Makes console.* write Lambda's log records (AWS docs, "Log and monitor Node.js Lambda functions"):
// text format "<ISO time>\t<requestId>\t<LEVEL>\t<message>", or one JSON object per record when
// AWS_LAMBDA_LOG_FORMAT is JSON (then AWS_LAMBDA_LOG_LEVEL filters). Each record is written to
// stdout synchronously as one line: newlines inside a message become "\r", as Lambda's Node runtime
// does, so the platform sees every record whole and before the invocation's response.
import { writeSync } from 'node:fs';
import { format } from 'node:util';

/** The request being handled; the console reads it for every record. */
export interface CurrentRequest {
  requestId: string | undefined;
}

export interface LogSettings {
  readonly format: 'Text' | 'JSON';
  /** JSON format only: the lowest level written. */
  readonly minimumLevel: LogLevel;
}

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LEVELS)[number];

export function logSettings(logFormat: string | undefined, logLevel: string | undefined): LogSettings {
  const level = (logLevel ?? '').toUpperCase();
  return {
    format: logFormat?.toUpperCase() === 'JSON' ? 'JSON' : 'Text',
    minimumLevel: (LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : 'TRACE',
  };
}

/** One text record, without the trailing newline. */
export function textRecord(time: Date, requestId: string | undefined, level: LogLevel, message: string): string {
  return `${time.toISOString()}\t${requestId}\t${level}\t${message}`.replace(/\n/g, '\r');
}

export function jsonRecord(time: Date, requestId: string | undefined, level: LogLevel, message: string): string {
  return JSON.stringify({ timestamp: time.toISOString(), level, requestId, message });
}

const METHODS: ReadonlyArray<readonly [keyof Console & string, LogLevel]> = [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
];

export function patchConsole(current: CurrentRequest, settings: LogSettings): void {
  const minimum = LEVELS.indexOf(settings.minimumLevel);
  const render = settings.format === 'JSON' ? jsonRecord : textRecord;
  const target = console as unknown as Record<string, unknown>;
  const methods: ReadonlyArray<readonly [string, LogLevel]> = [...METHODS, ['fatal', 'FATAL']];
  for (const [method, level] of methods) {
    if (settings.format === 'JSON' && LEVELS.indexOf(level) < minimum) {
      target[method] = () => undefined;
      continue;
    }
    target[method] = (...args: unknown[]) => {
      writeAll(render(new Date(), current.requestId, level, format(...args)) + '\n');
    };
  }
}

function writeAll(text: string): void {
  const buffer = Buffer.from(text, 'utf8');
  let offset = 0;
  while (offset < buffer.length) {
    try {
      offset += writeSync(1, buffer, offset);
    } catch (error) {
      // A full non-blocking pipe: try again; any other failure loses this record only.
      if ((error as { code?: unknown }).code !== 'EAGAIN') return;
    }
  }
}
