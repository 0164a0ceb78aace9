// The one place a LambdaError becomes an HTTP response, in AWS's rest-json error shape:
// status, `x-amzn-ErrorType: <Code>`, body `{"Type":"User","message":"…", …fields}`.
// The AWS SDKs take the code from x-amzn-ErrorType (anything after ':' is dropped) and the
// message from `message`/`Message` (AWS "Lambda API errors" / smithy awsJson/restJson protocol).
import type { LambdaError } from '../errors/lambda-error.js';

export interface RenderedError {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function renderError(error: LambdaError): RenderedError {
  const body = JSON.stringify({ Type: error.type, message: error.message, ...error.fields });
  return {
    status: error.status,
    headers: {
      ...error.headers,
      'x-amzn-ErrorType': error.code,
      'Content-Type': 'application/json',
      'Content-Length': String(Buffer.byteLength(body)),
    },
    body,
  };
}
