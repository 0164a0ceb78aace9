// ListFunctions' pagination token. Lambda's Marker is opaque to callers; Hearth's is the base64url
// of the last name returned, prefixed so that a token from elsewhere is recognised as foreign.
import { errors } from '../errors/lambda-error.js';

const PREFIX = 'fn1:';

export function encodeListMarker(lastName: string): string {
  return Buffer.from(`${PREFIX}${lastName}`, 'utf8').toString('base64url');
}

/** Returns the name to list after; a marker Hearth did not issue is 400 InvalidParameterValueException. */
export function decodeListMarker(marker: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(marker) ? Buffer.from(marker, 'base64url').toString('utf8') : '';
  if (!text.startsWith(PREFIX) || text.length === PREFIX.length) {
    throw errors.invalidParameter(`Invalid Marker: ${marker}`);
  }
  return text.slice(PREFIX.length);
}
