import assert from 'node:assert/strict';
import { test } from 'node:test';
import { envExportLines } from './env-exports.js';

test('hearth env prints a comment, the keys, the region twice and the endpoint', () => {
  const lines = envExportLines({
    endpoint: 'http://127.0.0.1:4280',
    region: 'eu-west-1',
    accessKeyId: 'AKIAEXAMPLE',
    secretAccessKey: 'se/cr+et',
  });
  assert.deepEqual(lines, [
    '# Hearth at http://127.0.0.1:4280  — paste these, or run: eval "$(hearth env)"',
    'export AWS_ACCESS_KEY_ID=AKIAEXAMPLE',
    'export AWS_SECRET_ACCESS_KEY=se/cr+et',
    'export AWS_REGION=eu-west-1',
    'export AWS_DEFAULT_REGION=eu-west-1',
    'export AWS_ENDPOINT_URL=http://127.0.0.1:4280',
  ]);
});
