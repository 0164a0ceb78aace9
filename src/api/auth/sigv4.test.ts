import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { LambdaError } from '../../errors/lambda-error.js';
import { staticCredentials } from './credentials.js';
import { parseAuthorization } from './authorization-header.js';
import {
  CanonicalPaths,
  canonicalPath,
  canonicalQuery,
  canonicalRequest,
  sha256Hex,
  signRequest,
  SigningKeys,
  uriEncode,
  verifySigV4,
  type SignableRequest,
} from './sigv4.js';

const operator = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const credentials = staticCredentials(operator);
const NOW = new Date('2026-03-01T12:00:00Z');
const options = { region: 'us-east-1', service: 'lambda', now: NOW, clockSkewSeconds: 900 };

/** Signs like the CLI and turns the result into what the server would receive. */
function signed(
  method: string,
  url: string,
  body = Buffer.alloc(0),
  extra: { now?: Date; secret?: string; sessionToken?: string; region?: string } = {},
): SignableRequest {
  const parsed = new URL(url);
  const headers = signRequest({
    method,
    url: parsed,
    headers: { 'Content-Type': 'application/json' },
    body,
    region: extra.region ?? 'us-east-1',
    service: 'lambda',
    credentials: {
      accessKeyId: operator.accessKeyId,
      secretAccessKey: extra.secret ?? operator.secretAccessKey,
      sessionToken: extra.sessionToken,
    },
    now: extra.now ?? NOW,
  });
  return { method, rawPath: parsed.pathname, rawQuery: parsed.search.slice(1), headers, body };
}

function rejects(req: SignableRequest, code: string, message?: RegExp | string, resolver = credentials): void {
  assert.throws(
    () => verifySigV4(req, resolver, options),
    (error: unknown) => {
      assert.ok(error instanceof LambdaError, String(error));
      assert.equal(error.code, code);
      assert.equal(error.status, 403);
      if (typeof message === 'string') assert.equal(error.message, message);
      else if (message !== undefined) assert.match(error.message, message);
      return true;
    },
  );
}

test('AWS documentation example: canonical request and signature (IAM ListUsers, 20150830T123600Z)', () => {
  const headers = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: 'iam.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
  };
  const canonical = canonicalRequest(
    'GET',
    '/',
    'Version=2010-05-08&Action=ListUsers',
    headers,
    ['content-type', 'host', 'x-amz-date'],
    sha256Hex(''),
  );
  assert.equal(sha256Hex(canonical), 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
  const signedHeaders = signRequest({
    method: 'GET',
    url: new URL('https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08'),
    headers: { 'content-type': headers['content-type'] },
    body: Buffer.alloc(0),
    region: 'us-east-1',
    service: 'iam',
    credentials: operator,
    now: new Date('2015-08-30T12:36:00Z'),
  });
  // The documented example signs without x-amz-content-sha256; recompute its signature through verify.
  const req: SignableRequest = {
    method: 'GET',
    rawPath: '/',
    rawQuery: 'Action=ListUsers&Version=2010-05-08',
    headers: {
      ...headers,
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/iam/aws4_request, ' +
        'SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    },
    body: Buffer.alloc(0),
  };
  const id = verifySigV4(req, credentials, { ...options, service: 'iam', now: new Date('2015-08-30T12:36:00Z') });
  assert.equal(id, operator.accessKeyId);
  assert.match(
    signedHeaders['authorization'] ?? '',
    /SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,/,
  );
});

test('canonical path: each escaped segment encoded again, empty and dot segments removed', () => {
  assert.equal(canonicalPath('/'), '/');
  assert.equal(canonicalPath(''), '/');
  assert.equal(canonicalPath('/2015-03-31/functions/'), '/2015-03-31/functions/');
  assert.equal(
    canonicalPath('/2015-03-31/functions/arn%3Aaws%3Alambda/x'),
    '/2015-03-31/functions/arn%253Aaws%253Alambda/x',
  );
  assert.equal(canonicalPath('/a:b/c d'), '/a%3Ab/c%20d');
  assert.equal(canonicalPath('/a//b/./c/../d'), '/a/b/d');
});

test('canonical query: decoded, RFC 3986 re-encoded, sorted by key then value', () => {
  assert.equal(canonicalQuery(''), '');
  assert.equal(canonicalQuery('b=2&a=1&a=0'), 'a=0&a=1&b=2');
  assert.equal(canonicalQuery('Marker=a%20b&MaxItems=5'), 'Marker=a%20b&MaxItems=5');
  assert.equal(canonicalQuery('x=a+b*&flag'), 'flag=&x=a%2Bb%2A');
  assert.equal(canonicalQuery('k=%E2%82%AC'), 'k=%E2%82%AC');
  assert.equal(uriEncode("~-_.!'()*"), '~-_.%21%27%28%29%2A');
});

test('a signed request verifies and names its access key', () => {
  const req = signed(
    'POST',
    'http://127.0.0.1:4280/2015-03-31/functions/f/invocations?Qualifier=%24LATEST',
    Buffer.from('{"a":1}'),
  );
  assert.equal(verifySigV4(req, credentials, options), operator.accessKeyId);
});

test('the signing key cache is bounded and gives the same answers', () => {
  const keys = new SigningKeys(2);
  const a = keys.get('s', '20260301', 'us-east-1', 'lambda');
  keys.get('s', '20260302', 'us-east-1', 'lambda');
  keys.get('s', '20260303', 'us-east-1', 'lambda');
  assert.deepEqual(keys.get('s', '20260301', 'us-east-1', 'lambda'), a);
  const req = signed('GET', 'http://h/2015-03-31/functions/');
  assert.equal(verifySigV4(req, credentials, { ...options, signingKeys: keys }), operator.accessKeyId);
  assert.equal(verifySigV4(req, credentials, { ...options, signingKeys: keys }), operator.accessKeyId);
});

test('the server caches (signing keys, canonical paths) verify exactly what a fresh verification does', () => {
  const cached = { ...options, signingKeys: new SigningKeys(), canonicalPaths: new CanonicalPaths(2) };
  const paths = [
    '/2015-03-31/functions/f/invocations',
    '/2015-03-31/functions/a%20b/invocations',
    '/2015-03-31/functions/',
  ];
  for (const round of [1, 2]) {
    for (const path of paths) {
      const good = signed('POST', `http://127.0.0.1:4280${path}`, Buffer.from(`{"round":${round}}`));
      assert.equal(verifySigV4(good, credentials, cached), operator.accessKeyId, `${path}, round ${round}`);
      const tampered = { ...good, rawPath: path.replace('functions', 'functionz') };
      assert.throws(() => verifySigV4(tampered, credentials, cached), /does not match/);
    }
  }
});

test('Authorization as the SDKs write it and with the spacing others use parse to the same thing', () => {
  const sdk =
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260301/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123';
  const spaced =
    'AWS4-HMAC-SHA256  Credential=AKIDEXAMPLE/20260301/us-east-1/lambda/aws4_request ,SignedHeaders=host;x-amz-date,  Signature=abc123';
  const expected = {
    accessKeyId: 'AKIDEXAMPLE',
    scope: { day: '20260301', region: 'us-east-1', service: 'lambda' },
    credentialScope: '20260301/us-east-1/lambda/aws4_request',
    signedHeaders: ['host', 'x-amz-date'],
    signature: 'abc123',
  };
  assert.deepEqual(parseAuthorization(sdk, true), expected);
  assert.deepEqual(parseAuthorization(spaced, true), expected);
});

test('a tampered body, path, query or signed header is a signature mismatch', () => {
  const mismatch = /^The request signature we calculated does not match the signature you provided\./;
  const req = signed('POST', 'http://h/2015-03-31/functions/f/invocations?Qualifier=1', Buffer.from('{}'));
  rejects({ ...req, body: Buffer.from('{ }') }, 'InvalidSignatureException', mismatch);
  rejects({ ...req, rawPath: '/2015-03-31/functions/g/invocations' }, 'InvalidSignatureException', mismatch);
  rejects({ ...req, rawQuery: 'Qualifier=2' }, 'InvalidSignatureException', mismatch);
  rejects({ ...req, headers: { ...req.headers, 'content-type': 'text/plain' } }, 'InvalidSignatureException', mismatch);
  rejects({ ...req, method: 'PUT' }, 'InvalidSignatureException', mismatch);
  rejects(signed('GET', 'http://h/x', undefined, { secret: 'wrong' }), 'InvalidSignatureException', mismatch);
});

test('x-amz-content-sha256 is never trusted: a wrong value fails as a mismatch', () => {
  const req = signed('POST', 'http://h/x', Buffer.from('{}'));
  rejects(
    { ...req, headers: { ...req.headers, 'x-amz-content-sha256': sha256Hex('other') } },
    'InvalidSignatureException',
    /does not match the signature you provided/,
  );
});

test('missing or malformed Authorization', () => {
  const req = signed('GET', 'http://h/x');
  const without: IncomingHttpHeaders = { ...req.headers };
  delete without.authorization;
  rejects({ ...req, headers: without }, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const withAuth = (authorization: string): SignableRequest => ({ ...req, headers: { ...req.headers, authorization } });
  rejects(withAuth('Basic dXNlcjpwYXNz'), 'IncompleteSignatureException', /Unsupported AWS 'algorithm': 'Basic'/);
  rejects(
    withAuth('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260301/us-east-1/lambda/aws4_request'),
    'IncompleteSignatureException',
    /^Authorization header requires 'Signature' parameter\. Authorization header requires 'SignedHeaders' parameter\./,
  );
  rejects(
    withAuth('AWS4-HMAC-SHA256 Credential=AKIA/2026, SignedHeaders=host, Signature=00'),
    'IncompleteSignatureException',
    /^Credential must have the form/,
  );
  const noDate: IncomingHttpHeaders = { ...req.headers };
  delete noDate['x-amz-date'];
  rejects({ ...req, headers: noDate }, 'IncompleteSignatureException', /requires existence of a 'X-Amz-Date' header/);
});

test('unknown key and wrong session token are UnrecognizedClientException', () => {
  const req = signed('GET', 'http://h/x');
  rejects(
    req,
    'UnrecognizedClientException',
    'The security token included in the request is invalid.',
    staticCredentials(),
  );
  const session = { ...operator, sessionToken: 'token-1' };
  const sessions = staticCredentials(session);
  rejects(req, 'UnrecognizedClientException', undefined, sessions);
  rejects(
    signed('GET', 'http://h/x', undefined, { sessionToken: 'token-2' }),
    'UnrecognizedClientException',
    undefined,
    sessions,
  );
  assert.equal(
    verifySigV4(signed('GET', 'http://h/x', undefined, { sessionToken: 'token-1' }), sessions, options),
    operator.accessKeyId,
  );
  // A long-term key used with a token it was never issued with is refused as well.
  rejects(signed('GET', 'http://h/x', undefined, { sessionToken: 'stale' }), 'UnrecognizedClientException');
});

test('clock skew beyond 15 minutes either way is refused with AWS wording', () => {
  rejects(
    signed('GET', 'http://h/x', undefined, { now: new Date('2026-03-01T11:44:59Z') }),
    'InvalidSignatureException',
    'Signature expired: 20260301T114459Z is now earlier than 20260301T114500Z (20260301T120000Z - 15 min.)',
  );
  rejects(
    signed('GET', 'http://h/x', undefined, { now: new Date('2026-03-01T12:15:01Z') }),
    'InvalidSignatureException',
    'Signature not yet current: 20260301T121501Z is still later than 20260301T121500Z (20260301T120000Z + 15 min.)',
  );
  const edge = signed('GET', 'http://h/x', undefined, { now: new Date('2026-03-01T11:45:00Z') });
  assert.equal(verifySigV4(edge, credentials, options), operator.accessKeyId);
});

test('credential scope must name our region, service and the X-Amz-Date day', () => {
  rejects(
    signed('GET', 'http://h/x', undefined, { region: 'eu-west-1' }),
    'InvalidSignatureException',
    /valid region.*not 'eu-west-1'/,
  );
  const req = signed('GET', 'http://h/x');
  const auth = String(req.headers.authorization);
  rejects(
    { ...req, headers: { ...req.headers, authorization: auth.replace('/lambda/', '/s3/') } },
    'InvalidSignatureException',
    "Credential should be scoped to correct service: 'lambda'.",
  );
  rejects(
    { ...req, headers: { ...req.headers, authorization: auth.replace('/20260301/', '/20260228/') } },
    'InvalidSignatureException',
    /^Date in Credential scope does not match YYYYMMDD/,
  );
  rejects(
    { ...req, headers: { ...req.headers, authorization: auth.replace('SignedHeaders=', 'SignedHeaders=x;') } },
    'InvalidSignatureException',
    /^The request signature we calculated/,
  );
  rejects(
    {
      ...req,
      headers: { ...req.headers, authorization: auth.replace(/SignedHeaders=[^,]*/, 'SignedHeaders=x-amz-date') },
    },
    'InvalidSignatureException',
    /'Host' or ':authority' must be a 'SignedHeader'/,
  );
});
