// How a pre-started Python runtime swaps the pre-start's PYTHONPATH folders on sys.path for the
// function's (python/hearth_runtime/specialise.py, replace_pythonpath): in the same place, after
// the script's folder, nothing else moved. A table, run in the host's Python.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { launchFor } from './runtime-catalog.js';
import { testInterpreters } from './test-sandbox.js';

const runtimeDir = launchFor('python3.12', testInterpreters).runtimeDir;

function replaced(path: string[], old: string | null, next: string | null): string[] {
  const script = `import json, sys
from hearth_runtime.specialise import replace_pythonpath
path = json.loads(sys.argv[1])
replace_pythonpath(json.loads(sys.argv[2]), json.loads(sys.argv[3]), path)
print(json.dumps(path))`;
  const output = execFileSync(
    testInterpreters.python,
    ['-s', '-c', script, JSON.stringify(path), JSON.stringify(old), JSON.stringify(next)],
    {
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONPATH: runtimeDir, PYTHONDONTWRITEBYTECODE: '1' },
      encoding: 'utf8',
    },
  );
  return JSON.parse(output) as string[];
}

const STDLIB = ['/usr/lib/python311.zip', '/usr/lib/python3.11'];

describe('replace_pythonpath', () => {
  const cases: Array<[string, string[], string | null, string | null, string[]]> = [
    [
      'another python version: its folder takes the place of the other',
      ['/var/runtime', '/opt/python/lib/python3.12/site-packages', '/opt/python', ...STDLIB],
      '/opt/python/lib/python3.12/site-packages:/opt/python',
      '/opt/python/lib/python3.13/site-packages:/opt/python',
      ['/var/runtime', '/opt/python/lib/python3.13/site-packages', '/opt/python', ...STDLIB],
    ],
    [
      'none at start: the function’s go after the script’s folder',
      ['/var/runtime', ...STDLIB],
      null,
      '/opt/python',
      ['/var/runtime', '/opt/python', ...STDLIB],
    ],
    [
      'none for the function: the pre-start’s go',
      ['/var/runtime', '/opt/python', ...STDLIB],
      '/opt/python',
      null,
      ['/var/runtime', ...STDLIB],
    ],
    [
      'empty entries are no folders',
      ['/var/runtime', '/opt/a', ...STDLIB],
      '/opt/a:',
      ':/opt/b::/opt/c',
      ['/var/runtime', '/opt/b', '/opt/c', ...STDLIB],
    ],
  ];
  for (const [name, path, old, next, expected] of cases) {
    it(name, () => assert.deepEqual(replaced(path, old, next), expected));
  }
});
