// GetFunction's `Code.Location`: a link that downloads the deployment package without AWS
// credentials and expires after 10 minutes, like the presigned S3 URL Lambda returns
// (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionCodeLocation.html). The token is an
// HMAC-SHA256 over the code hash and the expiry time, keyed with a secret only the server knows.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { errors } from '../errors/lambda-error.js';

export const CODE_URL_PATH_PREFIX = '/hearth/code/';
export const CODE_URL_TTL_SECONDS = 600;

export interface CodeUrlSignerOptions {
  readonly ttlSeconds?: number;
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
}

export class CodeUrlSigner {
  private readonly ttlSeconds: number;
  private readonly now: () => number;

  constructor(
    private readonly key: Buffer,
    options: CodeUrlSignerOptions = {},
  ) {
    if (key.length < 16) throw new Error('The code download key must be at least 16 bytes long.');
    this.ttlSeconds = options.ttlSeconds ?? CODE_URL_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  /** A signer keyed from a server secret (e.g. the operator's secret access key), not the secret itself. */
  static fromSecret(secret: string, options: CodeUrlSignerOptions = {}): CodeUrlSigner {
    if (secret === '') throw new Error('The code download secret must not be empty.');
    const key = createHmac('sha256', secret).update('hearth code download key v1').digest();
    return new CodeUrlSigner(key, options);
  }

  /** Path and query (no origin) that download the zip whose CodeSha256 (base64) is given. */
  pathFor(codeSha256: string): string {
    const sha = Buffer.from(codeSha256, 'base64').toString('base64url');
    const expires = Math.floor(this.now() / 1000) + this.ttlSeconds;
    return `${CODE_URL_PATH_PREFIX}${sha}?Expires=${expires}&Signature=${this.sign(sha, expires)}`;
  }

  /**
   * Checks the token of a download request and returns the CodeSha256 (base64) it grants.
   * `shaParam` is the path segment after the prefix. Tampered or expired: 403.
   */
  verify(shaParam: string, query: URLSearchParams): string {
    const expiresText = query.get('Expires') ?? '';
    const signature = query.get('Signature') ?? '';
    const expires = Number(expiresText);
    const expected = Buffer.from(this.sign(shaParam, expires), 'hex');
    const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, 'hex') : Buffer.alloc(0);
    if (!/^\d+$/.test(expiresText) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw errors.accessDenied('The request signature we calculated does not match the signature you provided.');
    }
    if (expires * 1000 < this.now()) throw errors.accessDenied('Request has expired');
    return Buffer.from(shaParam, 'base64url').toString('base64');
  }

  private sign(sha: string, expires: number): string {
    return createHmac('sha256', this.key).update(`hearth-code-download\n${sha}\n${expires}`).digest('hex');
  }
}
