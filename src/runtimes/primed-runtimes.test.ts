import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { primedRuntimes } from './primed-runtimes.js';

describe('primedRuntimes', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['an empty store: Node only', [], ['nodejs20.x']],
    ['Node functions of any version: Node only, one kind', ['nodejs22.x', 'nodejs24.x'], ['nodejs20.x']],
    ['custom runtimes cannot be pre-started', ['provided.al2023', 'provided'], ['nodejs20.x']],
    ['a Python function: Python too', ['nodejs22.x', 'python3.12'], ['nodejs20.x', 'python3.12']],
    [
      'Python functions of several versions: the one most of them use',
      ['python3.9', 'python3.13', 'python3.13', 'python3.12'],
      ['nodejs20.x', 'python3.13'],
    ],
    ['equal use: the first in name order', ['python3.13', 'python3.11'], ['nodejs20.x', 'python3.11']],
    ['an unknown runtime (an old store) is ignored', ['java21', 'python3.12'], ['nodejs20.x', 'python3.12']],
  ];
  for (const [name, stored, expected] of cases) {
    it(name, () => assert.deepEqual(primedRuntimes(stored), expected));
  }
});
