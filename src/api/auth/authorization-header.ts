// Parsing of the SigV4 `Authorization` header:
//   AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/lambda/aws4_request,
//   SignedHeaders=host;x-amz-date, Signature=<64 hex>
// Anything malformed is 403 IncompleteSignatureException, worded as AWS words it.
import { errors } from '../../errors/lambda-error.js';

export interface CredentialScope {
  readonly day: string;
  readonly region: string;
  readonly service: string;
}

export interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly scope: CredentialScope;
  /** `day/region/service/aws4_request`, as it goes into the string to sign. */
  readonly credentialScope: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const REQUIRED = ['Credential', 'Signature', 'SignedHeaders'] as const;
/** The header exactly as the SDKs and the CLI write it: parsed in one match, on every request. */
const WELL_FORMED =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/([^/,\s]+)\/([^/,\s]+)\/([^/,\s]+)\/aws4_request, ?SignedHeaders=([^,\s]+), ?Signature=([^,\s]+)$/;

export function parseAuthorization(header: string, hasDate: boolean): ParsedAuthorization {
  const match = hasDate ? WELL_FORMED.exec(header) : null;
  if (match !== null) {
    const [, accessKeyId = '', day = '', region = '', service = '', signedHeaders = '', signature = ''] = match;
    return {
      accessKeyId,
      scope: { day, region, service },
      credentialScope: `${day}/${region}/${service}/aws4_request`,
      signedHeaders: signedHeaders.split(';'),
      signature,
    };
  }
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw errors.incompleteSignature(
      `Unsupported AWS 'algorithm': '${algorithm}'. Only '${ALGORITHM}' is supported. Authorization=${header}`,
    );
  }
  const parameters = new Map<string, string>();
  for (const part of header.slice(space + 1).split(',')) {
    const trimmed = part.trim();
    const eq = trimmed.indexOf('=');
    if (eq > 0) parameters.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  // AWS lists every problem at once, e.g. "Authorization header requires 'Signature' parameter."
  const problems: string[] = [];
  for (const name of REQUIRED) {
    if (!parameters.get(name)) problems.push(`Authorization header requires '${name}' parameter.`);
  }
  if (!hasDate) problems.push("Authorization header requires existence of a 'X-Amz-Date' header.");
  if (problems.length > 0) throw errors.incompleteSignature(`${problems.join(' ')} Authorization=${header}`);

  const credential = parameters.get('Credential') ?? '';
  const parts = credential.split('/');
  const [accessKeyId, day, region, service, terminator] = parts;
  if (parts.length !== 5 || !accessKeyId || !day || !region || !service) {
    throw errors.incompleteSignature(
      `Credential must have the form <AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request, not '${credential}'.`,
    );
  }
  if (terminator !== 'aws4_request') {
    throw errors.invalidSignature(
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`,
    );
  }
  const signedHeaders = (parameters.get('SignedHeaders') ?? '').split(';');
  return {
    accessKeyId,
    scope: { day, region, service },
    credentialScope: `${day}/${region}/${service}/aws4_request`,
    signedHeaders,
    signature: parameters.get('Signature') ?? '',
  };
}
