// A complete FunctionRecord for the conformance suites; tests override only what they look at.
import { LATEST, type FunctionRecord } from '../../control-plane/function-record.js';

export function sampleRecord(overrides: Partial<FunctionRecord> = {}): FunctionRecord {
  return {
    name: 'hello',
    version: LATEST,
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    role: 'arn:aws:iam::000000000000:role/lambda-role',
    description: '',
    memorySize: 128,
    timeout: 3,
    ephemeralStorage: 512,
    environment: { STAGE: 'test' },
    architectures: ['x86_64'],
    packageType: 'Zip',
    codeSha256: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
    codeSize: 123,
    revisionId: 'rev-1',
    lastModified: '2024-01-01T00:00:00.000+0000',
    state: 'Active',
    lastUpdateStatus: 'Successful',
    tags: {},
    ...overrides,
  };
}
