import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SandboxResult } from '../sandbox/sandbox-result.js';
import { toInvokeOutcome } from './invoke-outcome.js';

const id = 'c0ffee00-0000-4000-8000-000000000001';

test('sandbox results become the outcomes and payloads Lambda returns', () => {
  const table: Array<[SandboxResult, string, string | undefined, string]> = [
    [{ kind: 'success', payload: Buffer.from('{"ok":true}') }, 'success', undefined, '{"ok":true}'],
    [
      { kind: 'function-error', errorType: 'TypeError', payload: Buffer.from('{"errorType":"TypeError"}') },
      'function-error',
      'TypeError',
      '{"errorType":"TypeError"}',
    ],
    [
      { kind: 'init-error', errorType: 'Runtime.ImportModuleError', payload: Buffer.from('{"x":1}') },
      'init-error',
      'Runtime.ImportModuleError',
      '{"x":1}',
    ],
    [
      { kind: 'timeout', timeoutSeconds: 3 },
      'timeout',
      undefined,
      `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ${id} Error: Task timed out after 3.00 seconds"}`,
    ],
    [
      { kind: 'exit', phase: 'invoke', reason: 'Runtime exited with error: signal: killed' },
      'function-error',
      'Runtime.ExitError',
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${id} Error: Runtime exited with error: signal: killed"}`,
    ],
    [
      { kind: 'exit', phase: 'init', reason: 'Runtime exited with error: exit status 1' },
      'init-error',
      'Runtime.ExitError',
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${id} Error: Runtime exited with error: exit status 1"}`,
    ],
    [
      { kind: 'response-too-large' },
      'function-error',
      'Function.ResponseSizeTooLarge',
      '{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes)."}',
    ],
  ];
  for (const [result, kind, errorType, payload] of table) {
    const outcome = toInvokeOutcome(result, id, 'tail');
    assert.equal(outcome.kind, kind, result.kind);
    assert.ok('payload' in outcome && 'requestId' in outcome);
    assert.equal(outcome.payload.toString(), payload, result.kind);
    assert.equal(outcome.requestId, id);
    assert.equal(outcome.executedVersion, '$LATEST');
    assert.equal(outcome.logTail, 'tail');
    assert.equal('errorType' in outcome ? outcome.errorType : undefined, errorType, result.kind);
  }
});
