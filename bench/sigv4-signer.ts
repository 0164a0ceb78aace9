// A small AWS Signature V4 signer for the benchmark's invoke requests
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html). It caches the
// day's signing key, so each request costs two HMACs and two SHA-256s: cheap and the same for the
// floor server and for Hearth, so the difference between them is the platform's own overhead.
import { createHash, createHmac } from 'node:crypto';

export interface SigningKeys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export class SigV4Signer {
  private day = '';
  private key: Buffer = Buffer.alloc(0);

  constructor(
    private readonly keys: SigningKeys,
    private readonly region: string,
    private readonly service = 'lambda',
  ) {}

  /**
   * Headers to add to a request with this method, host, path and body. The path may carry a query
   * (`…/invocations?Qualifier=live`); its segments and query values must need no escaping.
   */
  sign(method: string, host: string, path: string, body: Buffer, now = new Date()): Record<string, string> {
    const amzDate = now
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const day = amzDate.slice(0, 8);
    const payloadHash = createHash('sha256').update(body).digest('hex');
    const canonicalHeaders = `host:${host}\nx-amz-content-sha256:${payloadHash}\nx-amz-date:${amzDate}\n`;
    const signedHeaders = 'host;x-amz-content-sha256;x-amz-date';
    const query = path.indexOf('?');
    const canonicalPath = query === -1 ? path : path.slice(0, query);
    const canonicalQuery =
      query === -1
        ? ''
        : path
            .slice(query + 1)
            .split('&')
            .sort()
            .join('&');
    const canonicalRequest = [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join(
      '\n',
    );
    const scope = `${day}/${this.region}/${this.service}/aws4_request`;
    const stringToSign = [
      'AWS4-HMAC-SHA256',
      amzDate,
      scope,
      createHash('sha256').update(canonicalRequest).digest('hex'),
    ].join('\n');
    const signature = createHmac('sha256', this.signingKey(day)).update(stringToSign).digest('hex');
    return {
      'x-amz-date': amzDate,
      'x-amz-content-sha256': payloadHash,
      authorization: `AWS4-HMAC-SHA256 Credential=${this.keys.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
    };
  }

  private signingKey(day: string): Buffer {
    if (day !== this.day) {
      const dateKey = createHmac('sha256', `AWS4${this.keys.secretAccessKey}`).update(day).digest();
      const regionKey = createHmac('sha256', dateKey).update(this.region).digest();
      const serviceKey = createHmac('sha256', regionKey).update(this.service).digest();
      this.key = createHmac('sha256', serviceKey).update('aws4_request').digest();
      this.day = day;
    }
    return this.key;
  }
}
