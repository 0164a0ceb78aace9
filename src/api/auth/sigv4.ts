// AWS Signature Version 4, both directions: the server verifies requests with verifySigV4, the
// CLI signs its own with signRequest. Both build the canonical request with the same functions.
// Follows "Create a signed AWS API request" (IAM User Guide, reference_sigv-create-signed-request)
// and the SDKs' non-S3 rules: the already-escaped path is URI-encoded again, empty and dot
// segments are removed.
import { createHmac, hash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { errors } from '../../errors/lambda-error.js';
import type { CredentialResolver } from './credentials.js';
import { parseAuthorization } from './authorization-header.js';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
/** Headers the SDKs never sign (they change hop by hop). */
const UNSIGNABLE = new Set([
  'authorization',
  'connection',
  'expect',
  'keep-alive',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

export interface SignableRequest {
  readonly method: string;
  /** The path exactly as received, still percent-encoded. */
  readonly rawPath: string;
  /** The query exactly as received, without `?`. */
  readonly rawQuery: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** Derived signing keys, keyed by (secret, day, region, service); bounded, oldest dropped first. */
export class SigningKeys {
  private readonly keys = new Map<string, Buffer>();
  /** The last key handed out: nearly every request of a day is signed with the same one. */
  private last: { secret: string; day: string; region: string; service: string; key: Buffer } | undefined;

  constructor(private readonly maxEntries = 64) {}

  get(secretAccessKey: string, day: string, region: string, service: string): Buffer {
    const last = this.last;
    if (
      last !== undefined &&
      last.day === day &&
      last.secret === secretAccessKey &&
      last.region === region &&
      last.service === service
    ) {
      return last.key;
    }
    const cacheKey = `${secretAccessKey}\n${day}\n${region}\n${service}`;
    let key = this.keys.get(cacheKey);
    if (key === undefined) {
      const dateKey = hmac(`AWS4${secretAccessKey}`, day);
      key = hmac(hmac(hmac(dateKey, region), service), 'aws4_request');
      if (this.keys.size >= this.maxEntries) {
        const oldest = this.keys.keys().next();
        if (oldest.done !== true) this.keys.delete(oldest.value);
      }
      this.keys.set(cacheKey, key);
    }
    this.last = { secret: secretAccessKey, day, region, service, key };
    return key;
  }
}

/** Canonical forms of recent paths (an invoked function's path repeats on every request); bounded. */
export class CanonicalPaths {
  private readonly paths = new Map<string, string>();

  constructor(private readonly maxEntries = 256) {}

  get(rawPath: string): string {
    const known = this.paths.get(rawPath);
    if (known !== undefined) return known;
    const canonical = canonicalPath(rawPath);
    if (this.paths.size >= this.maxEntries) this.paths.clear();
    this.paths.set(rawPath, canonical);
    return canonical;
  }
}

export interface VerifyOptions {
  readonly region: string;
  readonly service: string;
  readonly now: Date;
  readonly clockSkewSeconds: number;
  /** Reused across requests by the server; a fresh one is made when omitted. */
  readonly signingKeys?: SigningKeys;
  /** Reused across requests by the server; paths are canonicalised afresh when omitted. */
  readonly canonicalPaths?: CanonicalPaths;
}

/** Verifies the request's SigV4 Authorization header; returns the signing access key id. */
export function verifySigV4(req: SignableRequest, credentials: CredentialResolver, options: VerifyOptions): string {
  const header = req.headers.authorization;
  if (header === undefined || header === '') throw errors.missingAuthentication();
  const amzDate = headerValue(req.headers['x-amz-date']);
  const auth = parseAuthorization(header, amzDate !== undefined);
  const scope = auth.scope;
  if (amzDate === undefined) throw errors.incompleteSignature('Missing X-Amz-Date'); // parse already refused it
  const signedAt = parseAmzDate(amzDate);
  if (scope.day !== amzDate.slice(0, 8)) {
    throw errors.invalidSignature(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.day}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (scope.region !== options.region) {
    throw errors.invalidSignature(
      `Credential should be scoped to a valid region. This endpoint serves '${options.region}', not '${scope.region}'.`,
    );
  }
  if (scope.service !== options.service) {
    throw errors.invalidSignature(`Credential should be scoped to correct service: '${options.service}'.`);
  }
  if (!auth.signedHeaders.includes('host')) {
    throw errors.invalidSignature("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  const credential = credentials.lookup(auth.accessKeyId);
  if (credential === undefined) throw errors.unrecognizedClient();
  const token = headerValue(req.headers['x-amz-security-token']);
  if (!sameToken(credential.sessionToken, token)) throw errors.unrecognizedClient();

  checkClockSkew(amzDate, signedAt, options.now, options.clockSkewSeconds);

  const payloadHash = sha256Hex(req.body);
  const claimedHash = headerValue(req.headers['x-amz-content-sha256']);
  if (claimedHash !== undefined && claimedHash !== payloadHash) throw errors.invalidSignature(MISMATCH);

  const canonical = canonicalRequest(
    req.method,
    req.rawPath,
    req.rawQuery,
    req.headers,
    auth.signedHeaders,
    payloadHash,
    options.canonicalPaths,
  );
  const keys = options.signingKeys ?? new SigningKeys(1);
  const key = keys.get(credential.secretAccessKey, scope.day, scope.region, scope.service);
  const expected = Buffer.from(signature(key, amzDate, auth.credentialScope, canonical), 'latin1');
  const provided = Buffer.from(auth.signature, 'latin1');
  if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) {
    throw errors.invalidSignature(MISMATCH);
  }
  return auth.accessKeyId;
}

export interface SignInput {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  readonly region: string;
  readonly service: string;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string | undefined;
  };
  readonly now?: Date;
  readonly signingKeys?: SigningKeys;
}

/** Signs a request; returns every header to send (lower-case names), `authorization` included. */
export function signRequest(input: SignInput): Record<string, string> {
  const amzDate = toAmzDate(input.now ?? new Date());
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(input.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value;
  headers['host'] = input.url.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = payloadHash;
  const token = input.credentials.sessionToken;
  if (token !== undefined && token !== '') headers['x-amz-security-token'] = token;
  delete headers['authorization'];

  const signedHeaders = Object.keys(headers)
    .filter((name) => !UNSIGNABLE.has(name))
    .sort();
  const rawQuery = input.url.search.startsWith('?') ? input.url.search.slice(1) : input.url.search;
  const canonical = canonicalRequest(input.method, input.url.pathname, rawQuery, headers, signedHeaders, payloadHash);
  const credentialScope = `${day}/${input.region}/${input.service}/aws4_request`;
  const keys = input.signingKeys ?? new SigningKeys(1);
  const key = keys.get(input.credentials.secretAccessKey, day, input.region, input.service);
  const sig = signature(key, amzDate, credentialScope, canonical);
  headers['authorization'] =
    `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${credentialScope}, ` +
    `SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`;
  return headers;
}

/** The canonical request both sides hash. Exported for known-answer tests. */
export function canonicalRequest(
  method: string,
  rawPath: string,
  rawQuery: string,
  headers: IncomingHttpHeaders | Readonly<Record<string, string>>,
  signedHeaders: readonly string[],
  payloadHash: string,
  paths?: CanonicalPaths,
): string {
  let canonicalHeaders = '';
  for (const name of signedHeaders) {
    canonicalHeaders += `${name}:${canonicalHeaderValue(headers[name])}\n`;
  }
  const path = paths !== undefined ? paths.get(rawPath) : canonicalPath(rawPath);
  return `${method}\n${path}\n${canonicalQuery(rawQuery)}\n${canonicalHeaders}\n${signedHeaders.join(';')}\n${payloadHash}`;
}

/** Each segment of the (already escaped) path URI-encoded again; empty and dot segments removed. */
export function canonicalPath(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(uriEncode(segment));
  }
  if (segments.length === 0) return '/';
  return `/${segments.join('/')}${rawPath.endsWith('/') ? '/' : ''}`;
}

/** Decoded, RFC 3986 re-encoded, sorted by key then value. */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part : part.slice(0, eq);
    const value = eq === -1 ? '' : part.slice(eq + 1);
    pairs.push([uriEncode(percentDecode(key)), uriEncode(percentDecode(value))]);
  }
  pairs.sort((a, b) => compare(a[0], b[0]) || compare(a[1], b[1]));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/** RFC 3986 encoding: everything but A–Z a–z 0–9 - _ . ~ is percent-encoded (UTF-8). */
export function uriEncode(text: string): string {
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function toAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

export function sha256Hex(data: Buffer | string): string {
  // One-shot hash(): no Hash object per call (this runs twice per signed request).
  return hash('sha256', data, 'hex');
}

function signature(key: Buffer, amzDate: string, credentialScope: string, canonical: string): string {
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${credentialScope}\n${sha256Hex(canonical)}`;
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

function checkClockSkew(amzDate: string, signedAt: number, now: Date, skewSeconds: number): void {
  const nowMs = now.getTime();
  const skewMs = skewSeconds * 1000;
  const minutes = `${Math.round(skewSeconds / 60)} min.`;
  if (signedAt < nowMs - skewMs) {
    throw errors.invalidSignature(
      `Signature expired: ${amzDate} is now earlier than ${toAmzDate(new Date(nowMs - skewMs))} (${toAmzDate(now)} - ${minutes})`,
    );
  }
  if (signedAt > nowMs + skewMs) {
    throw errors.invalidSignature(
      `Signature not yet current: ${amzDate} is still later than ${toAmzDate(new Date(nowMs + skewMs))} (${toAmzDate(now)} + ${minutes})`,
    );
  }
}

function parseAmzDate(amzDate: string): number {
  const m = AMZ_DATE.exec(amzDate);
  const ms = m === null ? NaN : Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (Number.isNaN(ms)) {
    throw errors.incompleteSignature(
      `X-Amz-Date must be in ISO-8601 basic format (YYYYMMDD'T'HHMMSS'Z'). Got '${amzDate}'.`,
    );
  }
  return ms;
}

function sameToken(expected: string | undefined, provided: string | undefined): boolean {
  if (expected === undefined || expected === '') return provided === undefined || provided === '';
  if (provided === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(provided);
  return a.length === b.length && timingSafeEqual(a, b);
}

function canonicalHeaderValue(value: string | string[] | number | undefined): string {
  if (value === undefined) return '';
  const text = (Array.isArray(value) ? value.join(',') : String(value)).trim();
  return text.includes('  ') ? text.replace(/ {2,}/g, ' ') : text;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
