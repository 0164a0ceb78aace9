import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hasInitDuration, reportLineOf } from './report-line.js';

const warm =
  'REPORT RequestId: 1a\tDuration: 0.52 ms\tBilled Duration: 1 ms\tMemory Size: 1769 MB\tMax Memory Used: 41 MB';
const cold = `${warm}\tInit Duration: 48.10 ms`;

describe('reportLineOf / hasInitDuration', () => {
  const cases: [string, string | undefined, string | undefined, boolean][] = [
    ['a warm invoke', `START RequestId: 1a Version: 1\nEND RequestId: 1a\n${warm}\n`, warm, false],
    ['a cold start', `START RequestId: 1a Version: $LATEST\nhello\nEND RequestId: 1a\n${cold}\n`, cold, true],
    ['a function that prints the words', `START RequestId: 1a\nInit Duration: 5 ms\nEND\n${warm}`, warm, false],
    ['no tail', undefined, undefined, false],
  ];
  for (const [what, tail, report, init] of cases) {
    it(what, () => {
      assert.equal(reportLineOf(tail), report);
      assert.equal(hasInitDuration(reportLineOf(tail)), init);
    });
  }
});
