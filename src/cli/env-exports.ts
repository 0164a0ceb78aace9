// What `hearth env` prints: the variables the AWS CLI v2, boto3 and the AWS SDKs read to find
// an endpoint, a region and keys.
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
import { exportLine } from './shell-quote.js';

export interface HearthEnvironment {
  readonly endpoint: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export function envExportLines(environment: HearthEnvironment): string[] {
  return [
    `# Hearth at ${environment.endpoint}  — paste these, or run: eval "$(hearth env)"`,
    exportLine('AWS_ACCESS_KEY_ID', environment.accessKeyId),
    exportLine('AWS_SECRET_ACCESS_KEY', environment.secretAccessKey),
    exportLine('AWS_REGION', environment.region),
    exportLine('AWS_DEFAULT_REGION', environment.region),
    exportLine('AWS_ENDPOINT_URL', environment.endpoint),
  ];
}
