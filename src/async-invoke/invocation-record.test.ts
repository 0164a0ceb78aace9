import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invocationRecord } from './invocation-record.js';

const base = {
  requestId: 'e4b46cbf-0000-4000-8000-000000000000',
  functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST',
  requestPayload: Buffer.from('{"order":7}'),
  timestamp: new Date('2026-11-26T12:00:00.000Z'),
};

void describe('invocationRecord', () => {
  void it('a failure record has Lambda shape: context, the original event, the error response', () => {
    const record = invocationRecord({
      ...base,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
      response: {
        statusCode: 200,
        executedVersion: '$LATEST',
        functionError: 'Unhandled',
        payload: '{"errorType":"Error","errorMessage":"boom"}',
      },
    });
    assert.deepEqual(record, {
      version: '1.0',
      timestamp: '2026-11-26T12:00:00.000Z',
      requestContext: {
        requestId: base.requestId,
        functionArn: base.functionArn,
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      requestPayload: { order: 7 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'Error', errorMessage: 'boom' },
    });
  });

  void it('a success record has no functionError; a non-JSON response is kept as text', () => {
    const record = invocationRecord({
      ...base,
      condition: 'Success',
      approximateInvokeCount: 1,
      response: { statusCode: 200, executedVersion: '3', functionError: undefined, payload: 'not json' },
    });
    assert.deepEqual(record['responseContext'], { statusCode: 200, executedVersion: '3' });
    assert.equal(record['responsePayload'], 'not json');
  });

  void it('a function that never ran (ZeroReservedConcurrency) has no response fields', () => {
    const record = invocationRecord({
      ...base,
      condition: 'ZeroReservedConcurrency',
      approximateInvokeCount: 0,
      response: undefined,
    });
    assert.equal('responseContext' in record, false);
    assert.equal('responsePayload' in record, false);
  });
});
