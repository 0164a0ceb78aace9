import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countColdStarts, decodeLogResult } from './cold-starts.js';

const report = (init: boolean): string =>
  `REPORT RequestId: x\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t` +
  (init ? 'Init Duration: 30.00 ms\t' : '');

describe('countColdStarts', () => {
  const invokes = [
    { fn: 'a', logTail: report(true) },
    { fn: 'b', logTail: report(true) },
    { fn: 'a', logTail: report(false) },
    { fn: 'b', logTail: report(true) }, // evicted and started again
  ];
  it('counts REPORT lines with an Init Duration', () => assert.equal(countColdStarts('init-duration', invokes), 3));
  it('counts each function once where nothing is evicted', () =>
    assert.equal(countColdStarts('first-invoke', invokes), 2));
  it('counts every invoke where each one is a new process', () =>
    assert.equal(countColdStarts('every-invoke', invokes), 4));
});

describe('decodeLogResult', () => {
  it('decodes the base64 header, and is undefined without one', () => {
    assert.equal(decodeLogResult(Buffer.from('REPORT x').toString('base64')), 'REPORT x');
    assert.equal(decodeLogResult(undefined), undefined);
  });
});
