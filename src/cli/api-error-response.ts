// Decodes an AWS rest-json error response into an ApiError. AWS names the exception in the
// `x-amzn-ErrorType` header (optionally followed by `:` and a URL) and puts the text in the
// JSON body's `message` (older services: `Message`).
// https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization
import { ApiError } from './cli-error.js';

export function apiErrorFromResponse(status: number, errorTypeHeader: string | null, body: Buffer): ApiError {
  const parsed = parseJsonObject(body);
  const code =
    stripSuffix(errorTypeHeader) ??
    stripSuffix(stringField(parsed, '__type')) ??
    stringField(parsed, 'code') ??
    stringField(parsed, 'Type') ??
    (status >= 500 ? 'ServiceException' : `HTTP${status}`);
  const message =
    stringField(parsed, 'message') ??
    stringField(parsed, 'Message') ??
    stringField(parsed, 'errorMessage') ??
    (parsed === undefined && body.length > 0 ? body.toString('utf8').trim().slice(0, 500) : undefined) ??
    `The server answered HTTP ${status} without a message.`;
  return new ApiError(code, status, message);
}

function stripSuffix(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const name = value.split(':')[0]?.trim();
  // `__type` may be namespaced, e.g. `com.amazonaws.lambda#ResourceNotFoundException`.
  return name?.split('#').pop() || undefined;
}

function parseJsonObject(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function stringField(object: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
