// CreateFunction / Update* input checks, with AWS's codes and messages
// (LAMBDA-BEHAVIOUR.md rows A3, A10, A12–A14, A16–A19, A27, D15).
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  ListFunctionsCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type CreateFunctionCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeEsmProbe } from '../support/functions.js';
import { startHearth, type HearthServer } from '../support/hearth-server.js';
import { createAndWait, expectLambdaError, invokeOk, lambdaClient, TEST_ROLE, uniqueName } from '../support/lambda.js';
import { buildZip, placeholderFor, renameEntry } from '../support/zip.js';

const UNZIP_FAILED = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

describe('control-plane validation (SDK v3)', { timeout: 240_000 }, () => {
  let server: HearthServer;
  let client: LambdaClient;
  let goodZip: Buffer;
  const existing = uniqueName('kept');

  function create(overrides: Partial<CreateFunctionCommandInput>): Promise<unknown> {
    return client.send(
      new CreateFunctionCommand({
        FunctionName: uniqueName('invalid'),
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: TEST_ROLE,
        Code: { ZipFile: goodZip },
        ...overrides,
      }),
    );
  }

  async function functionNames(): Promise<string[]> {
    const page = await client.send(new ListFunctionsCommand({}));
    return (page.Functions ?? []).map((f) => f.FunctionName ?? '').sort();
  }

  before(async () => {
    server = await startHearth();
    client = lambdaClient(server);
    goodZip = await nodeEsmProbe();
    await createAndWait(client, {
      FunctionName: existing,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: goodZip },
    });
  });
  after(async () => {
    client?.destroy();
    await server?.stop();
  });

  it('A3: a 65-character name is InvalidParameterValueException; an ARN over 140 is ValidationException', async () => {
    await expectLambdaError(create({ FunctionName: 'f'.repeat(65) }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: /Member must have length less than or equal to 64/,
    });
    const longArn = `arn:aws:lambda:us-east-1:000000000000:function:${'f'.repeat(100)}`;
    await expectLambdaError(create({ FunctionName: longArn }), {
      name: 'ValidationException',
      status: 400,
      message: /less than or equal to 140/,
    });
    assert.deepEqual(await functionNames(), [existing], 'no partial function was left behind');
  });

  it('A12: an archive that is not a zip, or is truncated, cannot be unzipped', async () => {
    await expectLambdaError(create({ Code: { ZipFile: Buffer.from('this is not a zip archive at all') } }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: UNZIP_FAILED,
    });
    await expectLambdaError(create({ Code: { ZipFile: goodZip.subarray(0, Math.floor(goodZip.length / 2)) } }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: UNZIP_FAILED,
    });
    // A bad UpdateFunctionCode leaves the previous code serving.
    await expectLambdaError(
      client.send(new UpdateFunctionCodeCommand({ FunctionName: existing, ZipFile: Buffer.from('PK\x03\x04junk') })),
      {
        name: 'InvalidParameterValueException',
        status: 400,
        message: UNZIP_FAILED,
      },
    );
    assert.equal((await invokeOk<{ marker: string }>(client, existing)).marker, 'v1');
    assert.deepEqual(await functionNames(), [existing]);
  });

  it('A13: a zip over 50 MB is 413 RequestEntityTooLargeException', async () => {
    // Stored (not deflated) random bytes make an archive just over 52,428,800 bytes.
    const big = await buildZip(
      { 'index.mjs': 'export const handler = async () => 1;\n', 'blob.bin': randomBytes(52_428_800) },
      { compress: false },
    );
    assert.ok(big.length > 52_428_800);
    await expectLambdaError(create({ Code: { ZipFile: big } }), {
      name: 'RequestEntityTooLargeException',
      status: 413,
      message:
        /^(Zipped size must be smaller than 52428800 bytes|Request must be smaller than \d+ bytes for the CreateFunction operation)$/,
    });
    assert.deepEqual(await functionNames(), [existing]);
  });

  it('A14: an archive that unzips past 262,144,000 bytes is refused', async () => {
    const bomb = await buildZip({
      'index.mjs': 'export const handler = async () => 1;\n',
      'zeros.bin': Buffer.alloc(270_000_000),
    });
    assert.ok(bomb.length < 2_000_000, `compressed to ${bomb.length} bytes`);
    await expectLambdaError(create({ Code: { ZipFile: bomb } }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: 'Unzipped size must be smaller than 262144000 bytes',
    });
    assert.deepEqual(await functionNames(), [existing]);
  });

  it('D15: zip-slip entries are refused and nothing is written outside', async () => {
    const tag = randomBytes(6).toString('hex');
    const escapes = [
      `../../evil-${tag}.txt`,
      `${'../'.repeat(24)}${os.tmpdir().replace(/^\//, '')}/hearth-slip-${tag}.txt`,
      `/tmp/hearth-abs-${tag}.txt`,
      `a/../../evil-${tag}-b.txt`,
    ];
    for (const entry of escapes) {
      const stand = placeholderFor(entry);
      const zip = renameEntry(
        await buildZip({ 'index.mjs': 'export const handler = async () => 1;\n', [stand]: 'owned' }),
        stand,
        entry,
      );
      await expectLambdaError(create({ Code: { ZipFile: zip } }), {
        name: 'InvalidParameterValueException',
        status: 400,
      });
    }
    assert.deepEqual(findFiles(path.dirname(server.rootDir), tag, 6), [], 'no escaped file near the data dir');
    assert.equal(existsSync(path.join(os.tmpdir(), `hearth-slip-${tag}.txt`)), false);
    assert.equal(existsSync(`/tmp/hearth-abs-${tag}.txt`), false);
    assert.deepEqual(await functionNames(), [existing]);
  });

  it('A16: environment variables over 4 KB are refused; just under is accepted', async () => {
    await expectLambdaError(create({ Environment: { Variables: { BIG: 'x'.repeat(4_200) } } }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message:
        /^Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit\. String measured: /,
    });
    const name = uniqueName('env-near-limit');
    await createAndWait(client, {
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: goodZip },
      Environment: { Variables: { BIG: 'x'.repeat(3_900) } },
    });
    assert.equal((await invokeOk<{ marker: string }>(client, name)).marker, 'v1');
  });

  it('A17: a reserved environment key is refused', async () => {
    await expectLambdaError(create({ Environment: { Variables: { AWS_REGION: 'eu-west-1' } } }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message:
        /contains reserved keys that are currently not supported for modification\. Reserved keys used in this request: AWS_REGION$/,
    });
  });

  it('A18: an unknown runtime is refused with the enum constraint', async () => {
    await expectLambdaError(create({ Runtime: 'PYTHON3.9' as 'python3.9' }), {
      name: 'InvalidParameterValueException',
      status: 400,
      message: /Value PYTHON3\.9 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[/,
    });
  });

  it('A19: memory, timeout and ephemeral storage out of range are ValidationException', async () => {
    const cases: ReadonlyArray<[Partial<CreateFunctionCommandInput>, RegExp]> = [
      [
        { MemorySize: 127 },
        /^1 validation error detected: Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128$/,
      ],
      [
        { MemorySize: 10_241 },
        /Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240/,
      ],
      [
        { Timeout: 0 },
        /Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1/,
      ],
      [
        { Timeout: 901 },
        /Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900/,
      ],
      [
        { EphemeralStorage: { Size: 511 } },
        /Value '511' at 'ephemeralStorage\.size' failed to satisfy constraint: Member must have value greater than or equal to 512/,
      ],
    ];
    for (const [input, message] of cases) {
      await expectLambdaError(create(input), { name: 'ValidationException', status: 400, message });
    }
    // The same check on update leaves configuration and RevisionId untouched.
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: existing }));
    await expectLambdaError(
      client.send(new UpdateFunctionConfigurationCommand({ FunctionName: existing, MemorySize: 127 })),
      {
        name: 'ValidationException',
        status: 400,
        message: cases[0]![1],
      },
    );
    const afterUpdate = await client.send(new GetFunctionConfigurationCommand({ FunctionName: existing }));
    assert.equal(afterUpdate.MemorySize, before.MemorySize);
    assert.equal(afterUpdate.RevisionId, before.RevisionId);
  });

  it('A27: an update with a stale RevisionId is 412 PreconditionFailedException', async () => {
    const current = await client.send(new GetFunctionConfigurationCommand({ FunctionName: existing }));
    assert.ok(current.RevisionId, 'RevisionId is reported');
    const updated = await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: existing,
        Description: 'first',
        RevisionId: current.RevisionId,
      }),
    );
    assert.notEqual(updated.RevisionId, current.RevisionId, 'an update changes the RevisionId');
    await expectLambdaError(
      client.send(
        new UpdateFunctionConfigurationCommand({
          FunctionName: existing,
          Description: 'second',
          RevisionId: current.RevisionId,
        }),
      ),
      {
        name: 'PreconditionFailedException',
        status: 412,
        message:
          'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
      },
    );
    const now = await client.send(new GetFunctionConfigurationCommand({ FunctionName: existing }));
    assert.equal(now.Description, 'first');
  });

  it('creating a function twice is 409 ResourceConflictException', async () => {
    await expectLambdaError(create({ FunctionName: existing }), {
      name: 'ResourceConflictException',
      status: 409,
      message: `Function already exist: ${existing}`,
    });
  });

  // A10 (invoke while Pending → 409) is not tested: a function's Pending window cannot be made
  // to last deterministically from outside, so any assertion on it would be a race.
});

/** Paths under `root` (to `depth` levels) whose name contains `tag`. */
function findFiles(root: string, tag: string, depth: number): string[] {
  if (depth < 0) return [];
  let entries;
  try {
    entries = readdirSync(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const full = path.join(root, entry.name);
    if (entry.name.includes(tag)) found.push(full);
    if (entry.isDirectory()) found.push(...findFiles(full, tag, depth - 1));
  }
  return found;
}
