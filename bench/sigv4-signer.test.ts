// The benchmark's signer must produce signatures Hearth's own verifier accepts, or every
// measured invoke would be a 403.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staticCredentials } from '../src/api/auth/credentials.js';
import { verifySigV4 } from '../src/api/auth/sigv4.js';
import { SigV4Signer } from './sigv4-signer.js';

const keys = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench/secret+key' };
const now = new Date('2025-06-01T12:34:56Z');

function verify(headers: Record<string, string>, body: Buffer, secret = keys.secretAccessKey, rawQuery = ''): string {
  return verifySigV4(
    {
      method: 'POST',
      rawPath: '/2015-03-31/functions/bench-echo/invocations',
      rawQuery,
      headers: { host: '127.0.0.1:4280', ...headers },
      body,
    },
    staticCredentials({ accessKeyId: keys.accessKeyId, secretAccessKey: secret }),
    { region: 'us-east-1', service: 'lambda', now, clockSkewSeconds: 300 },
  );
}

describe('SigV4Signer', () => {
  const signer = new SigV4Signer(keys, 'us-east-1');
  const body = Buffer.from('{"hello":"bench"}');
  const headers = signer.sign('POST', '127.0.0.1:4280', '/2015-03-31/functions/bench-echo/invocations', body, now);

  it("signs requests that Hearth's verifier accepts", () => {
    assert.equal(verify(headers, body), keys.accessKeyId);
  });

  it('is refused for another body or another secret', () => {
    assert.throws(() => verify(headers, Buffer.from('{"hello":"other"}')));
    assert.throws(() => verify(headers, body, 'wrong-secret'));
  });

  it('signs a query (a Qualifier) that the verifier accepts, and only that query', () => {
    const path = '/2015-03-31/functions/bench-echo/invocations?Qualifier=live';
    const signed = signer.sign('POST', '127.0.0.1:4280', path, body, now);
    assert.equal(verify(signed, body, keys.secretAccessKey, 'Qualifier=live'), keys.accessKeyId);
    assert.throws(() => verify(signed, body, keys.secretAccessKey, 'Qualifier=other'));
    assert.throws(() => verify(signed, body));
  });
});
