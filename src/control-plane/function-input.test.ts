import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LambdaError } from '../errors/lambda-error.js';
import { readCreateFunctionInput, readUpdateCodeInput, readUpdateConfigurationInput } from './function-input.js';

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

function rejection(run: () => unknown): LambdaError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof LambdaError);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('reading request bodies', () => {
  it('reads CreateFunction members, decoding the base64 zip', () => {
    const input = readCreateFunctionInput(
      json({
        FunctionName: 'f',
        Runtime: 'nodejs20.x',
        Code: { ZipFile: Buffer.from('zip bytes').toString('base64') },
        MemorySize: 256,
        Environment: { Variables: { A1: 'b' } },
        EphemeralStorage: { Size: 1024 },
        Tags: { team: 'x' },
        Architectures: ['arm64'],
        SomethingNew: { ignored: true },
      }),
    );
    assert.equal(input.functionName, 'f');
    assert.equal(input.code?.zipFile?.toString(), 'zip bytes');
    assert.equal(input.memorySize, 256);
    assert.deepEqual(input.environment, { A1: 'b' });
    assert.deepEqual(input.ephemeralStorage, { size: 1024 });
    assert.deepEqual(input.tags, { team: 'x' });
    assert.deepEqual(input.architectures, ['arm64']);
  });

  it('an Environment without Variables means "no variables" (it replaces the map)', () => {
    assert.deepEqual(readUpdateConfigurationInput(json({ Environment: {} })).environment, {});
    assert.equal(readUpdateConfigurationInput(json({ Timeout: 5 })).environment, undefined);
  });

  it('treats an empty body as {} and null members as absent', () => {
    assert.equal(readUpdateConfigurationInput(Buffer.alloc(0)).timeout, undefined);
    assert.equal(readUpdateConfigurationInput(json({ Timeout: null })).timeout, undefined);
  });

  it('reads UpdateFunctionCode members', () => {
    const input = readUpdateCodeInput(json({ ZipFile: 'AAAA', RevisionId: 'r1', DryRun: true }));
    assert.deepEqual(input.code.zipFile, Buffer.from([0, 0, 0]));
    assert.equal(input.revisionId, 'r1');
    assert.equal(input.dryRun, true);
  });

  const bad: { name: string; body: Buffer; message: string | RegExp }[] = [
    {
      name: 'invalid JSON',
      body: Buffer.from('{"FunctionName":'),
      message: /^Could not parse request body into json: /,
    },
    {
      name: 'a JSON array',
      body: json([1]),
      message: /^Could not parse request body into json: Cannot deserialize the request from an array/,
    },
    {
      name: 'a string where an integer belongs',
      body: json({ MemorySize: 'abc' }),
      message:
        'Could not parse request body into json: Cannot deserialize value of type Integer from String value "abc" (member MemorySize)',
    },
    {
      name: 'a fractional timeout',
      body: json({ Timeout: 1.5 }),
      message: /type Integer from number value 1\.5 \(member Timeout\)/,
    },
    {
      name: 'a number as an environment value',
      body: json({ Environment: { Variables: { A1: 5 } } }),
      message: /member Environment\.Variables\.A1/,
    },
    {
      name: 'a string where Architectures list belongs',
      body: json({ Architectures: 'arm64' }),
      message: /List<String>.*member Architectures/,
    },
    {
      name: 'a ZipFile that is not base64',
      body: json({ Code: { ZipFile: 'not base64!' } }),
      message: /base64 value of member Code\.ZipFile/,
    },
  ];
  for (const row of bad) {
    it(`rejects ${row.name} with 400 InvalidRequestContentException`, () => {
      const error = rejection(() => readCreateFunctionInput(row.body));
      assert.equal(error.code, 'InvalidRequestContentException');
      assert.equal(error.status, 400);
      if (typeof row.message === 'string') assert.equal(error.message, row.message);
      else assert.match(error.message, row.message);
    });
  }
});
