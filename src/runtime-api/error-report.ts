// What a runtime's POST …/error or /init/error becomes for the caller. The body is passed on as is
// when it is JSON; otherwise Lambda builds the error object from the header
// (Runtime API OpenAPI spec: "Lambda's default behavior is to use Lambda-Runtime-Function-Error-Type
// header value to construct an error response when error payload is not provided").

export interface ErrorReport {
  readonly errorType: string;
  readonly payload: Buffer;
}

const UNKNOWN_TYPE = 'Unhandled';

export function errorReport(headerType: string | undefined, body: Buffer): ErrorReport {
  const text = body.toString('utf8');
  const parsed = parseJson(text);
  const bodyType =
    parsed !== null && typeof parsed === 'object' && typeof (parsed as { errorType?: unknown }).errorType === 'string'
      ? (parsed as { errorType: string }).errorType
      : undefined;
  const errorType = nonEmpty(headerType) ?? bodyType ?? UNKNOWN_TYPE;
  if (parsed !== undefined) return { errorType, payload: body };
  return { errorType, payload: Buffer.from(JSON.stringify({ errorType, errorMessage: text })) };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
