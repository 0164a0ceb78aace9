import assert from 'node:assert/strict';
import { test } from 'node:test';
import { functionReadiness } from './function-readiness.js';

test('a function is ready only when Active and its last update Successful', () => {
  const cases: [Record<string, string>, string][] = [
    [{ State: 'Active', LastUpdateStatus: 'Successful' }, 'ready'],
    [{ State: 'Active' }, 'ready'],
    [{ State: 'Pending' }, 'waiting'],
    [{ State: 'Active', LastUpdateStatus: 'InProgress' }, 'waiting'],
    [{ State: 'Inactive', LastUpdateStatus: 'Successful' }, 'waiting'],
    [{ State: 'Failed', StateReasonCode: 'InvalidRuntime', StateReason: 'no such runtime' }, 'failed'],
    [{ State: 'Active', LastUpdateStatus: 'Failed' }, 'failed'],
  ];
  for (const [fields, expected] of cases) {
    assert.equal(functionReadiness({ FunctionName: 'f', ...fields }).kind, expected, JSON.stringify(fields));
  }
});

test('a failure carries the reason code and text AWS gives', () => {
  const readiness = functionReadiness({
    FunctionName: 'f',
    State: 'Active',
    LastUpdateStatus: 'Failed',
    LastUpdateStatusReasonCode: 'InvalidZipFileException',
    LastUpdateStatusReason: 'Could not unzip uploaded file.',
  });
  assert.deepEqual(readiness, {
    kind: 'failed',
    reason: 'LastUpdateStatus Failed: InvalidZipFileException: Could not unzip uploaded file.',
  });
});
