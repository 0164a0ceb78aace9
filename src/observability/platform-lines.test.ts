import { test } from 'node:test';
import assert from 'node:assert/strict';
import { billedDurationMs, endLine, reportLine, startLine } from './platform-lines.js';

const id = '8f5ab6b4-1e1b-4a5c-9d0e-2b6f0c1d2e3f';

test('START and END lines', () => {
  assert.equal(startLine(id, '$LATEST'), `START RequestId: ${id} Version: $LATEST`);
  assert.equal(endLine(id), `END RequestId: ${id}`);
});

test('REPORT lines, warm, cold and failed', () => {
  const base = {
    requestId: id,
    memorySizeMb: 128,
    maxMemoryUsedMb: 45,
    initDurationMs: undefined,
    status: undefined,
    errorType: undefined,
  };
  const table: Array<[Parameters<typeof reportLine>[0], string]> = [
    [
      { ...base, durationMs: 12.34 },
      `REPORT RequestId: ${id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 45 MB\t`,
    ],
    [
      { ...base, durationMs: 1.5, initDurationMs: 78.9 },
      `REPORT RequestId: ${id}\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 45 MB\tInit Duration: 78.90 ms\t`,
    ],
    [
      { ...base, durationMs: 3000.41, status: 'timeout' },
      `REPORT RequestId: ${id}\tDuration: 3000.41 ms\tBilled Duration: 3001 ms\tMemory Size: 128 MB\tMax Memory Used: 45 MB\tStatus: timeout\t`,
    ],
    [
      { ...base, durationMs: 5, status: 'error', errorType: 'Runtime.ExitError' },
      `REPORT RequestId: ${id}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 45 MB\tStatus: error\tError Type: Runtime.ExitError\t`,
    ],
    [
      { ...base, durationMs: 5, memoryBurstMb: 512, maxMemoryUsedMb: 300 },
      `REPORT RequestId: ${id}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 300 MB (burst above 128 MB)\t`,
    ],
    [
      // A burst-enabled sandbox that stayed within MemorySize reads as usual.
      { ...base, durationMs: 5, memoryBurstMb: 512 },
      `REPORT RequestId: ${id}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 45 MB\t`,
    ],
  ];
  for (const [fields, line] of table) assert.equal(reportLine(fields), line);
});

test('billed duration rounds up to whole milliseconds, at least 1', () => {
  assert.deepEqual([0, 0.01, 1, 1.0001, 99.5].map(billedDurationMs), [1, 1, 1, 2, 100]);
});
