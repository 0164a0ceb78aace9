import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LambdaError } from '../errors/lambda-error.js';
import { functionArn, parseFunctionName } from './function-name.js';

const account = { region: 'us-east-1', accountId: '000000000000' };

describe('parseFunctionName', () => {
  const accepted: { input: string; qualifier?: string; name: string; expected: string | undefined }[] = [
    { input: 'my-fn', name: 'my-fn', expected: undefined },
    { input: 'my-fn:$LATEST', name: 'my-fn', expected: '$LATEST' },
    { input: '000000000000:function:my-fn', name: 'my-fn', expected: undefined },
    { input: 'arn:aws:lambda:us-east-1:000000000000:function:my-fn:prod', name: 'my-fn', expected: 'prod' },
    { input: 'my-fn', qualifier: '7', name: 'my-fn', expected: '7' },
    { input: 'my-fn', qualifier: '', name: 'my-fn', expected: undefined },
  ];
  for (const row of accepted) {
    it(`reads ${row.input}${row.qualifier === undefined ? '' : ` (Qualifier=${row.qualifier})`}`, () => {
      assert.deepEqual(parseFunctionName(row.input, row.qualifier, account), {
        name: row.name,
        qualifier: row.expected,
      });
    });
  }

  const rejected: { input: string; qualifier?: string; code: string; message: RegExp }[] = [
    { input: 'a'.repeat(65), code: 'InvalidParameterValueException', message: /length less than or equal to 64$/ },
    { input: 'x'.repeat(141), code: 'ValidationException', message: /length less than or equal to 140$/ },
    {
      input: 'arn:aws:lambda:us-east-1:123400000000@function:f',
      code: 'ValidationException',
      message: /regular expression pattern/,
    },
    { input: '', code: 'ValidationException', message: /regular expression pattern/ },
    {
      input: 'arn:aws:lambda:eu-west-1:000000000000:function:f',
      code: 'InvalidParameterValueException',
      message: /eu-west-1/,
    },
    {
      input: 'arn:aws:lambda:us-east-1:111111111111:function:f',
      code: 'InvalidParameterValueException',
      message: /111111111111/,
    },
    {
      input: 'f:1',
      qualifier: '2',
      code: 'InvalidParameterValueException',
      message: /does not match the specified qualifier/,
    },
  ];
  for (const row of rejected) {
    it(`rejects ${row.input.slice(0, 50) || '(empty)'} with ${row.code}`, () => {
      assert.throws(
        () => parseFunctionName(row.input, row.qualifier, account),
        (error: unknown) => error instanceof LambdaError && error.code === row.code && row.message.test(error.message),
      );
    });
  }

  it('builds ARNs with and without a qualifier', () => {
    assert.equal(functionArn(account, 'f'), 'arn:aws:lambda:us-east-1:000000000000:function:f');
    assert.equal(functionArn(account, 'f', '$LATEST'), 'arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST');
  });
});
