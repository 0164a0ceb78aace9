import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxExit } from './sandbox-exit.js';

describe('sandboxExit', () => {
  const rows: Array<
    [string, number | null, NodeJS.Signals | null, { code: number | null; signal: NodeJS.Signals | null }]
  > = [
    ['a clean exit stays', 0, null, { code: 0, signal: null }],
    ['exit status 1 stays', 1, null, { code: 1, signal: null }],
    ['128 is not a signal', 128, null, { code: 128, signal: null }],
    ['137 is SIGKILL (OOM, kill -9)', 137, null, { code: null, signal: 'SIGKILL' }],
    ['143 is SIGTERM', 143, null, { code: null, signal: 'SIGTERM' }],
    ['139 is SIGSEGV', 139, null, { code: null, signal: 'SIGSEGV' }],
    ['a code past every signal stays', 250, null, { code: 250, signal: null }],
    ['a signal on bwrap itself stays', null, 'SIGKILL', { code: null, signal: 'SIGKILL' }],
  ];
  for (const [name, code, signal, expected] of rows)
    it(name, () => assert.deepEqual(sandboxExit(code, signal), expected));
});
