import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CliError } from './cli-error.js';
import { collectEnvAssignment, parseEnvAssignment } from './env-assignment.js';

test('--env NAME=value splits at the first =', () => {
  const cases: [string, string, string][] = [
    ['AB=1', 'AB', '1'],
    ['DB_URL=postgres://u:p@h/db?x=y', 'DB_URL', 'postgres://u:p@h/db?x=y'],
    ['EMPTY=', 'EMPTY', ''],
    ['a1_b=with spaces', 'a1_b', 'with spaces'],
  ];
  for (const [text, name, value] of cases) assert.deepEqual(parseEnvAssignment(text), [name, value], text);
});

test('--env without a valid NAME= is refused with a hint', () => {
  for (const text of ['NOEQUALS', '=value', '1ABC=x', 'A-B=x', 'A B=x', 'A=single-letter']) {
    assert.throws(() => parseEnvAssignment(text), CliError, text);
  }
  assert.throws(() => parseEnvAssignment('NOEQUALS'), /must look like NAME=value/);
});

test('repeated --env flags collect into one map; the last one for a name wins', () => {
  let env = collectEnvAssignment('AA=1');
  env = collectEnvAssignment('BB=2', env);
  env = collectEnvAssignment('AA=3', env);
  assert.deepEqual(env, { AA: '3', BB: '2' });
});
