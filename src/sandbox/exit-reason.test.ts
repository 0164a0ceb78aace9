import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exitReason } from './exit-reason.js';
import type { SandboxExit } from './sandbox-driver.js';

test('exit reasons are worded as Lambda words them', () => {
  const table: Array<[SandboxExit, string]> = [
    [{ code: 1, signal: null }, 'Runtime exited with error: exit status 1'],
    [{ code: 127, signal: null }, 'Runtime exited with error: exit status 127'],
    [{ code: 0, signal: null }, 'Runtime exited without providing a reason'],
    [{ code: null, signal: 'SIGKILL' }, 'Runtime exited with error: signal: killed'],
    [{ code: null, signal: 'SIGSEGV' }, 'Runtime exited with error: signal: segmentation fault'],
    [{ code: null, signal: 'SIGTERM' }, 'Runtime exited with error: signal: terminated'],
    [{ code: null, signal: 'SIGABRT' }, 'Runtime exited with error: signal: aborted'],
  ];
  for (const [exit, text] of table) assert.equal(exitReason(exit), text);
});
