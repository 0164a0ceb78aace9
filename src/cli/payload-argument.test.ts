import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tempFolder } from './testing/temp-folders.js';
import { test } from 'node:test';
import { readPayloadArgument, type PayloadSources } from './payload-argument.js';

const sources: PayloadSources = {
  readFile: (file) => readFile(file),
  readStdin: async () => Buffer.from('{"from":"stdin"}'),
};

test('no --payload sends an empty JSON object', async () => {
  assert.equal((await readPayloadArgument(undefined, sources)).toString(), '{}');
});

test('inline JSON is sent byte for byte', async () => {
  assert.equal((await readPayloadArgument('{"a": 1}', sources)).toString(), '{"a": 1}');
  assert.equal((await readPayloadArgument('"text"', sources)).toString(), '"text"');
});

test('inline text that is not JSON is refused before any request, with a hint', async () => {
  await assert.rejects(readPayloadArgument('{a:1}', sources), /not valid JSON.*\n.*--payload @file\.json/);
});

test('@file sends the file, @- sends stdin', async () => {
  const dir = await tempFolder('hearth-payload-');
  const file = path.join(dir, 'event.json');
  await writeFile(file, '{"records":[1,2,3]}\n');
  assert.equal((await readPayloadArgument(`@${file}`, sources)).toString(), '{"records":[1,2,3]}\n');
  assert.equal((await readPayloadArgument('@-', sources)).toString(), '{"from":"stdin"}');
});

test('a missing @file or a folder is named in the error', async () => {
  await assert.rejects(readPayloadArgument('@/no/such/event.json', sources), /"\/no\/such\/event\.json": no such file/);
  await assert.rejects(readPayloadArgument(`@${tmpdir()}`, sources), /it is a directory/);
  await assert.rejects(readPayloadArgument('@', sources), /needs a file name/);
});
