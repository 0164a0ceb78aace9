// The stderr line for a failed invocation: `Function error (Unhandled): Error: boom`, taken
// from the X-Amz-Function-Error header and the payload's errorType / errorMessage.
// https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html

export function describeFunctionError(functionError: string, payload: Buffer): string {
  let errorType: unknown;
  let errorMessage: unknown;
  try {
    const parsed = JSON.parse(payload.toString('utf8')) as { errorType?: unknown; errorMessage?: unknown } | null;
    errorType = parsed?.errorType;
    errorMessage = parsed?.errorMessage;
  } catch {
    // Not JSON: the header alone is all there is to say.
  }
  const type = typeof errorType === 'string' ? errorType : undefined;
  const message = typeof errorMessage === 'string' ? errorMessage : undefined;
  const detail = [type, message].filter((part) => part !== undefined).join(': ');
  return `Function error (${functionError})${detail === '' ? '' : `: ${detail}`}`;
}
