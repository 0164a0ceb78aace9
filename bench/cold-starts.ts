// Counting cold starts in the many-functions run, by each platform's rule (see ColdRule).
import type { ColdRule } from './targets/bench-target.js';

export interface ManyInvoke {
  readonly fn: string;
  /** The log tail (decoded X-Amz-Log-Result), when the platform returns one. */
  readonly logTail: string | undefined;
}

export function countColdStarts(rule: ColdRule, invokes: readonly ManyInvoke[]): number {
  switch (rule) {
    case 'init-duration':
      // The REPORT line carries "Init Duration" only on an environment's first invoke.
      // https://docs.aws.amazon.com/lambda/latest/dg/nodejs-logging.html
      return invokes.filter((invoke) => /Init Duration: /.test(invoke.logTail ?? '')).length;
    case 'first-invoke':
      return new Set(invokes.map((invoke) => invoke.fn)).size;
    case 'every-invoke':
      return invokes.length;
  }
}

export function decodeLogResult(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? Buffer.from(header, 'base64').toString('utf8') : undefined;
}
