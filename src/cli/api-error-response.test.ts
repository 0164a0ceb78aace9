import assert from 'node:assert/strict';
import { test } from 'node:test';
import { apiErrorFromResponse } from './api-error-response.js';
import { describeUserError } from './cli-error.js';

test('AWS error responses become "Error (Type): message"', () => {
  const cases: [number, string | null, string, string][] = [
    [
      404,
      'ResourceNotFoundException',
      '{"Type":"User","message":"Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"}',
      'Error (ResourceNotFoundException): Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope',
    ],
    [
      409,
      'ResourceConflictException:http://internal.amazon.com/coral/com.amazonaws.lambda/',
      '{"message":"Function already exist: hello"}',
      'Error (ResourceConflictException): Function already exist: hello',
    ],
    [
      403,
      null,
      '{"__type":"com.amazon#UnrecognizedClientException","Message":"bad key"}',
      'Error (UnrecognizedClientException): bad key',
    ],
    [502, null, 'Bad Gateway', 'Error (ServiceException): Bad Gateway'],
    [400, null, '', 'Error (HTTP400): The server answered HTTP 400 without a message.'],
  ];
  for (const [status, header, body, expected] of cases) {
    const error = apiErrorFromResponse(status, header, Buffer.from(body));
    assert.equal(error.status, status);
    assert.equal(describeUserError(error), expected);
  }
});
