import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activationPatch } from './function-activator.js';
import type { FunctionRecord } from './function-record.js';
import { renderConfiguration, renderGetFunction, renderListedConfiguration } from './function-view.js';

const account = { region: 'eu-west-1', accountId: '123456789012' };
const record: FunctionRecord = {
  name: 'view',
  version: '$LATEST',
  runtime: 'python3.12',
  handler: 'app.handler',
  role: 'arn:aws:iam::123456789012:role/r',
  description: '',
  memorySize: 256,
  timeout: 10,
  ephemeralStorage: 1024,
  environment: {},
  architectures: ['arm64'],
  packageType: 'Zip',
  codeSha256: 'abc=',
  codeSize: 42,
  revisionId: 'rev-1',
  lastModified: '2026-11-22T10:15:30.123+0000',
  state: 'Failed',
  stateReason: 'no python3',
  stateReasonCode: 'InvalidRuntime',
  lastUpdateStatus: 'Failed',
  tags: {},
};

describe('function views', () => {
  it('renders FunctionConfiguration with AWS field names and fixed defaults', () => {
    assert.deepEqual(renderConfiguration(record, account), {
      FunctionName: 'view',
      FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:view',
      Runtime: 'python3.12',
      Role: 'arn:aws:iam::123456789012:role/r',
      Handler: 'app.handler',
      CodeSize: 42,
      Description: '',
      Timeout: 10,
      MemorySize: 256,
      LastModified: '2026-11-22T10:15:30.123+0000',
      CodeSha256: 'abc=',
      Version: '$LATEST',
      TracingConfig: { Mode: 'PassThrough' },
      RevisionId: 'rev-1',
      PackageType: 'Zip',
      Architectures: ['arm64'],
      EphemeralStorage: { Size: 1024 },
      SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
      LoggingConfig: { LogFormat: 'Text', LogGroup: '/aws/lambda/view' },
      State: 'Failed',
      StateReason: 'no python3',
      StateReasonCode: 'InvalidRuntime',
      LastUpdateStatus: 'Failed',
    });
  });

  it('shows Environment only when there are variables, and ListFunctions entries without state', () => {
    const withEnv = { ...record, environment: { A1: 'b' } };
    assert.deepEqual(renderConfiguration(withEnv, account)['Environment'], { Variables: { A1: 'b' } });
    const listed = renderListedConfiguration(withEnv, account);
    for (const field of ['State', 'StateReason', 'StateReasonCode', 'LastUpdateStatus'])
      assert.equal(field in listed, false);
  });

  it('renders GetFunction with the code location and tags only when present', () => {
    const response = renderGetFunction(record, account, 'http://h/code');
    assert.deepEqual(response['Code'], { RepositoryType: 'S3', Location: 'http://h/code' });
    assert.equal('Tags' in response, false);
    assert.deepEqual(renderGetFunction({ ...record, tags: { a: 'b' } }, account, 'x')['Tags'], { a: 'b' });
  });
});

describe('activationPatch', () => {
  const rows: { reason: string | undefined; state: string; update: string; code: string | undefined }[] = [
    { reason: undefined, state: 'Active', update: 'Successful', code: undefined },
    { reason: 'no node', state: 'Failed', update: 'Failed', code: 'InvalidRuntime' },
  ];
  for (const row of rows) {
    it(`check answer ${String(row.reason)} → ${row.state}/${row.update}`, () => {
      const patch = activationPatch(row.reason);
      assert.equal(patch.state, row.state);
      assert.equal(patch.lastUpdateStatus, row.update);
      assert.equal(patch.stateReasonCode, row.code);
      assert.equal(patch.stateReason, row.reason);
      // The keys are present even when clearing, so the store removes the old reason.
      assert.ok('stateReason' in patch && 'lastUpdateStatusReason' in patch);
    });
  }
});
