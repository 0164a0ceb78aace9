import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LambdaError } from '../errors/lambda-error.js';
import { CodeUrlSigner } from './code-url-signer.js';

// A CodeSha256 with '+', '/' and '=' in it, which must survive the trip through a URL path.
const SHA = Buffer.from('fb/+ff'.repeat(6)).toString('base64');

function parse(pathAndQuery: string): { sha: string; query: URLSearchParams } {
  const url = new URL(pathAndQuery, 'http://h');
  return { sha: url.pathname.replace('/hearth/code/', ''), query: url.searchParams };
}

function denied(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof LambdaError);
    assert.equal(error.status, 403);
    assert.equal(error.code, 'AccessDeniedException');
    return error.message;
  }
  assert.fail('expected 403');
}

describe('CodeUrlSigner', () => {
  const now = 1_800_000_000_000;
  const signer = CodeUrlSigner.fromSecret('secret', { now: () => now });

  it('round-trips the code hash through a URL-safe path', () => {
    const { sha, query } = parse(signer.pathFor(SHA));
    assert.match(sha, /^[A-Za-z0-9_-]+$/);
    assert.equal(signer.verify(sha, query), SHA);
    assert.equal(query.get('Expires'), String(now / 1000 + 600));
  });

  it('refuses a link for another archive, another expiry, or from another key', () => {
    const { sha, query } = parse(signer.pathFor(SHA));
    const other = Buffer.from('other').toString('base64url');
    assert.match(
      denied(() => signer.verify(other, query)),
      /signature we calculated does not match/,
    );
    const later = new URLSearchParams(query);
    later.set('Expires', String(Number(query.get('Expires')) + 1));
    denied(() => signer.verify(sha, later));
    denied(() => CodeUrlSigner.fromSecret('another secret', { now: () => now }).verify(sha, query));
    denied(() => signer.verify(sha, new URLSearchParams()));
  });

  it('refuses a link after ten minutes', () => {
    const { sha, query } = parse(signer.pathFor(SHA));
    const later = CodeUrlSigner.fromSecret('secret', { now: () => now + 600_001 });
    assert.equal(
      denied(() => later.verify(sha, query)),
      'Request has expired',
    );
    const justInTime = CodeUrlSigner.fromSecret('secret', { now: () => now + 600_000 });
    assert.equal(justInTime.verify(sha, query), SHA);
  });
});
