import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LambdaError } from '../errors/lambda-error.js';
import type { CreateFunctionInput, UpdateConfigurationInput } from './function-input.js';
import {
  MAX_ZIPPED_BYTES,
  validateCodeUpdate,
  validateConfigurationUpdate,
  validateCreate,
} from './function-validation.js';

const ctx = {
  account: { region: 'us-east-1', accountId: '000000000000' },
  supportedRuntimes: ['nodejs20.x', 'nodejs22.x', 'python3.12', 'provided.al2023'],
};
const ROLE = 'arn:aws:iam::123456789012:role/lambda-role';
const zip = Buffer.from('PK\x05\x06');
const base: CreateFunctionInput = {
  functionName: 'hello',
  runtime: 'nodejs20.x',
  handler: 'index.handler',
  role: ROLE,
  code: { zipFile: zip },
};

function failure(run: () => unknown): LambdaError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof LambdaError, `expected a LambdaError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the input to be rejected');
}

describe('validateCreate', () => {
  it('fills in AWS defaults for a minimal request', () => {
    const spec = validateCreate(base, ctx);
    assert.equal(spec.name, 'hello');
    assert.equal(spec.memorySize, 128);
    assert.equal(spec.timeout, 3);
    assert.equal(spec.ephemeralStorage, 512);
    assert.equal(spec.description, '');
    assert.deepEqual(spec.architectures, ['x86_64']);
    assert.deepEqual(spec.environment, {});
  });

  it('takes the name out of a full ARN', () => {
    const spec = validateCreate(
      { ...base, functionName: 'arn:aws:lambda:us-east-1:000000000000:function:fromArn' },
      ctx,
    );
    assert.equal(spec.name, 'fromArn');
  });

  const env4k = { BIG: 'x'.repeat(4096 - '{"BIG":""}'.length) };
  const envOver = { BIG: 'x'.repeat(4097 - '{"BIG":""}'.length) };
  const rejected: {
    name: string;
    input: CreateFunctionInput;
    code: string;
    status?: number;
    message: string | RegExp;
  }[] = [
    {
      name: '65-character plain name',
      input: { ...base, functionName: 'a'.repeat(65) },
      code: 'InvalidParameterValueException',
      message: `1 validation error detected: Value '${'a'.repeat(65)}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    },
    {
      name: 'full ARN over 140 characters',
      input: { ...base, functionName: `arn:aws:lambda:us-east-1:000000000000:function:${'a'.repeat(100)}` },
      code: 'ValidationException',
      message:
        /^1 validation error detected: Value 'arn:aws:lambda.*' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 140$/,
    },
    {
      name: 'name with a character outside the pattern',
      input: { ...base, functionName: 'my.function' },
      code: 'ValidationException',
      message: /at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: \(arn:/,
    },
    {
      name: 'missing role',
      input: { ...base, role: undefined },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'role' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'role that is not an IAM role ARN',
      input: { ...base, role: 'my-role' },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value 'my-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
    },
    {
      name: 'memory below 128',
      input: { ...base, memorySize: 127 },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '127' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    },
    {
      name: 'memory above 10240',
      input: { ...base, memorySize: 10241 },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '10241' at 'memorySize' failed to satisfy constraint: Member must have value less than or equal to 10240",
    },
    {
      name: 'timeout 0 and memory 64 together (two errors in one message)',
      input: { ...base, timeout: 0, memorySize: 64 },
      code: 'ValidationException',
      message:
        "2 validation errors detected: Value '0' at 'timeout' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
        "Value '64' at 'memorySize' failed to satisfy constraint: Member must have value greater than or equal to 128",
    },
    {
      name: 'timeout 901',
      input: { ...base, timeout: 901 },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '901' at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900",
    },
    {
      name: 'ephemeral storage 511',
      input: { ...base, ephemeralStorage: { size: 511 } },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '511' at 'ephemeralStorage.size' failed to satisfy constraint: Member must have value greater than or equal to 512",
    },
    {
      name: 'description of 257 characters',
      input: { ...base, description: 'd'.repeat(257) },
      code: 'ValidationException',
      message: /at 'description' failed to satisfy constraint: Member must have length less than or equal to 256$/,
    },
    {
      name: 'handler with a space',
      input: { ...base, handler: 'index handler' },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value 'index handler' at 'handler' failed to satisfy constraint: Member must satisfy regular expression pattern: [^\\s]+",
    },
    {
      name: 'handler of 129 characters',
      input: { ...base, handler: 'h'.repeat(129) },
      code: 'ValidationException',
      message: /at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128$/,
    },
    {
      name: 'missing handler',
      input: { ...base, handler: undefined },
      code: 'InvalidParameterValueException',
      message: 'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    },
    {
      name: 'runtime in the wrong case',
      input: { ...base, runtime: 'PYTHON3.9' },
      code: 'InvalidParameterValueException',
      message:
        /^Value PYTHON3\.9 at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[nodejs, nodejs4\.3, .*, python3\.14, java25, dotnet10, ruby4\.0\]$/,
    },
    {
      name: 'a real Lambda runtime Hearth cannot run',
      input: { ...base, runtime: 'java21' },
      code: 'InvalidParameterValueException',
      message:
        'The runtime parameter of java21 is not supported by Hearth for creating or updating functions. Hearth runs these runtimes: nodejs20.x, nodejs22.x, python3.12, provided.al2023.',
    },
    {
      name: 'a deprecated runtime',
      input: { ...base, runtime: 'nodejs12.x' },
      code: 'InvalidParameterValueException',
      message: /^The runtime parameter of nodejs12\.x is not supported by Hearth/,
    },
    {
      name: 'environment key outside the pattern (value hidden)',
      input: { ...base, environment: { '1BAD': 'secret' } },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+]",
    },
    {
      name: 'environment over 4 KB',
      input: { ...base, environment: envOver },
      code: 'InvalidParameterValueException',
      message: `Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: ${JSON.stringify(envOver)}`,
    },
    {
      name: 'reserved environment key',
      input: { ...base, environment: { AWS_REGION: 'eu-west-1', OK_KEY: 'v' } },
      code: 'InvalidParameterValueException',
      message:
        'Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: AWS_REGION',
    },
    {
      name: 'two architectures',
      input: { ...base, architectures: ['x86_64', 'arm64'] },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value '[x86_64, arm64]' at 'architectures' failed to satisfy constraint: Member must have length less than or equal to 1",
    },
    {
      name: 'unknown architecture',
      input: { ...base, architectures: ['riscv'] },
      code: 'ValidationException',
      message: /Value '\[riscv\]' at 'architectures' .*enum value set: \[x86_64, arm64\]\]$/,
    },
    {
      name: 'container image package',
      input: { ...base, packageType: 'Image', code: { imageUri: '1.dkr.ecr/x:latest' } },
      code: 'InvalidParameterValueException',
      message: /PackageType Image \(container images\) is not supported/,
    },
    {
      name: 'unknown package type',
      input: { ...base, packageType: 'Jar' },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value 'Jar' at 'packageType' failed to satisfy constraint: Member must satisfy enum value set: [Zip, Image]",
    },
    {
      name: 'code from S3',
      input: { ...base, code: { s3Bucket: 'b', s3Key: 'k.zip' } },
      code: 'InvalidParameterValueException',
      message: /accepts function code only as ZipFile/,
    },
    {
      name: 'no code source at all',
      input: { ...base, code: {} },
      code: 'InvalidParameterValueException',
      message: 'Please provide a source for function code.',
    },
    {
      name: 'missing Code',
      input: { ...base, code: undefined },
      code: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'code' failed to satisfy constraint: Member must not be null",
    },
    {
      name: 'zip over 50 MB',
      input: { ...base, code: { zipFile: Buffer.alloc(MAX_ZIPPED_BYTES + 1) } },
      code: 'RequestEntityTooLargeException',
      status: 413,
      message: 'Zipped size must be smaller than 52428800 bytes',
    },
    {
      name: 'six layers',
      input: { ...base, layers: ['a', 'b', 'c', 'd', 'e', 'f'] },
      code: 'InvalidParameterValueException',
      message: 'Cannot reference more than 5 layers.',
    },
    {
      name: 'a layer that is neither an ARN nor a name',
      input: { ...base, layers: ['arn:aws:lambda:us-east-1:000000000000:function:x'] },
      code: 'ValidationException',
      message:
        /^1 validation error detected: Value '\[arn:aws:lambda:us-east-1:000000000000:function:x\]' at 'layers' failed to satisfy constraint: Member must satisfy constraint: \[Member must have length less than or equal to 140, .*regular expression pattern/,
    },
    {
      name: 'a qualified name',
      input: { ...base, functionName: 'hello:prod' },
      code: 'InvalidParameterValueException',
      message: /cannot carry a qualifier/,
    },
    {
      name: 'tag key of 129 characters',
      input: { ...base, tags: { ['k'.repeat(129)]: 'v' } },
      code: 'InvalidParameterValueException',
      message: /Tag keys must be 1 to 128 characters long/,
    },
    {
      name: '51 tags',
      input: { ...base, tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
      code: 'InvalidParameterValueException',
      message: 'A resource can have at most 50 tags; this request would give it 51.',
    },
  ];

  for (const row of rejected) {
    it(`rejects ${row.name}`, () => {
      const error = failure(() => validateCreate(row.input, ctx));
      assert.equal(error.code, row.code);
      assert.equal(error.status, row.status ?? 400);
      if (typeof row.message === 'string') assert.equal(error.message, row.message);
      else assert.match(error.message, row.message);
    });
  }

  const accepted: { name: string; input: CreateFunctionInput }[] = [
    { name: 'memory 128 and 10240, timeout 1 and 900', input: { ...base, memorySize: 10240, timeout: 900 } },
    { name: 'environment of exactly 4 KB', input: { ...base, environment: env4k } },
    { name: 'arm64', input: { ...base, architectures: ['arm64'] } },
    { name: 'a 64-character name', input: { ...base, functionName: 'a'.repeat(64) } },
    { name: 'a GovCloud-style role partition', input: { ...base, role: 'arn:aws-us-gov:iam::123456789012:role/x' } },
    {
      name: '50 tags',
      input: { ...base, tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'])) },
    },
  ];
  for (const row of accepted) {
    it(`accepts ${row.name}`, () => {
      assert.doesNotThrow(() => validateCreate(row.input, ctx));
    });
  }
});

describe('validateConfigurationUpdate', () => {
  it('patches only the members the request sets; Environment replaces the whole map', () => {
    const patch = validateConfigurationUpdate({ memorySize: 256, environment: { A1: 'x' } }, ctx);
    assert.deepEqual(patch, { memorySize: 256, environment: { A1: 'x' } });
  });

  it('an empty Environment clears the variables', () => {
    assert.deepEqual(validateConfigurationUpdate({ environment: {} }, ctx), { environment: {} });
  });

  const rejected: { name: string; input: UpdateConfigurationInput; code: string; message: RegExp }[] = [
    { name: 'timeout 0', input: { timeout: 0 }, code: 'ValidationException', message: /at 'timeout'/ },
    {
      name: 'reserved keys',
      input: { environment: { AWS_LAMBDA_RUNTIME_API: 'x', LAMBDA_TASK_ROOT: '/' } },
      code: 'InvalidParameterValueException',
      message: /Reserved keys used in this request: AWS_LAMBDA_RUNTIME_API, LAMBDA_TASK_ROOT$/,
    },
    {
      name: 'a key starting with an underscore (fails the model pattern first)',
      input: { environment: { _HANDLER: 'x' } },
      code: 'ValidationException',
      message: /Map keys must satisfy constraint/,
    },
    {
      name: 'runtime Hearth cannot run',
      input: { runtime: 'dotnet8' },
      code: 'InvalidParameterValueException',
      message: /dotnet8 is not supported by Hearth/,
    },
    {
      name: 'ephemeral storage without Size',
      input: { ephemeralStorage: { size: undefined } },
      code: 'ValidationException',
      message: /Value null at 'ephemeralStorage.size'/,
    },
  ];
  for (const row of rejected) {
    it(`rejects ${row.name}`, () => {
      const error = failure(() => validateConfigurationUpdate(row.input, ctx));
      assert.equal(error.code, row.code);
      assert.match(error.message, row.message);
    });
  }
});

describe('validateCodeUpdate', () => {
  it('needs ZipFile', () => {
    assert.match(failure(() => validateCodeUpdate({ code: { imageUri: 'x' } })).message, /only as ZipFile/);
  });
  it('returns the zip and the architecture', () => {
    const update = validateCodeUpdate({ code: { zipFile: zip }, architectures: ['arm64'] });
    assert.deepEqual(update.architectures, ['arm64']);
    assert.equal(update.zip, zip);
  });
});
