// The request members of PublishLayerVersion and AddLayerVersionPermission, read from their JSON
// bodies and checked against the Lambda API model's constraints (PublishLayerVersionRequest,
// AddLayerVersionPermissionRequest shapes); failures are one ValidationException, as on AWS.
import { errors } from '../errors/lambda-error.js';
import { ConstraintViolations } from './constraint-violations.js';
import { ARCHITECTURES, MAX_ZIPPED_BYTES } from './function-validation.js';
import { LAMBDA_RUNTIME_ENUM } from './lambda-runtime-enum.js';
import { JsonReader, parseJsonObject } from './request-json.js';

export interface PublishLayerInput {
  readonly zip: Buffer;
  readonly description: string;
  readonly licenseInfo: string | undefined;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
}

export interface LayerPermissionInput {
  readonly statementId: string;
  readonly action: string;
  readonly principal: string;
  readonly organizationId: string | undefined;
}

const STATEMENT_ID_PATTERN = '([a-zA-Z0-9-_]+)';
const ACTION_PATTERN = 'lambda:GetLayerVersion';
const PRINCIPAL_PATTERN = '\\d{12}|\\*|arn:(aws[a-zA-Z-]*):iam::\\d{12}:root';
const ORGANIZATION_PATTERN = 'o-[a-z0-9]{10,32}';

function listEnum(
  values: readonly string[] | undefined,
  member: string,
  allowed: readonly string[],
  max: number,
  v: ConstraintViolations,
): void {
  if (values === undefined) return;
  if (values.length > max) v.add(values, member, `Member must have length less than or equal to ${max}`);
  if (values.some((value) => !allowed.includes(value))) {
    v.add(
      values,
      member,
      `Member must satisfy constraint: [Member must satisfy enum value set: [${allowed.join(', ')}]]`,
    );
  }
}

export function readPublishLayerInput(body: Buffer): PublishLayerInput {
  const json = new JsonReader(parseJsonObject(body));
  const content = json.object('Content');
  const input = {
    zipFile: content?.blob('ZipFile'),
    s3: content !== undefined && [content.string('S3Bucket'), content.string('S3Key')].some((x) => x !== undefined),
    description: json.string('Description'),
    licenseInfo: json.string('LicenseInfo'),
    compatibleRuntimes: json.stringList('CompatibleRuntimes'),
    compatibleArchitectures: json.stringList('CompatibleArchitectures'),
  };
  const v = new ConstraintViolations();
  v.required(content, 'content');
  v.length(input.description, 'description', 0, 256);
  v.length(input.licenseInfo, 'licenseInfo', 0, 512);
  listEnum(input.compatibleRuntimes, 'compatibleRuntimes', LAMBDA_RUNTIME_ENUM, 15, v);
  listEnum(input.compatibleArchitectures, 'compatibleArchitectures', ARCHITECTURES, 2, v);
  v.throwIfAny();
  if (input.zipFile === undefined) {
    throw errors.invalidParameter(
      input.s3
        ? 'Hearth accepts layer content only as ZipFile (the zip itself, base64 in the request); S3Bucket/S3Key are not supported.'
        : 'Please provide a source for the layer content.',
    );
  }
  if (input.zipFile.length > MAX_ZIPPED_BYTES) throw errors.zippedTooLarge(MAX_ZIPPED_BYTES);
  return {
    zip: input.zipFile,
    description: input.description ?? '',
    licenseInfo: input.licenseInfo,
    compatibleRuntimes: input.compatibleRuntimes ?? [],
    compatibleArchitectures: input.compatibleArchitectures ?? [],
  };
}

export function readLayerPermissionInput(body: Buffer): LayerPermissionInput {
  const json = new JsonReader(parseJsonObject(body));
  const statementId = json.string('StatementId');
  const action = json.string('Action');
  const principal = json.string('Principal');
  const organizationId = json.string('OrganizationId');
  const v = new ConstraintViolations();
  v.required(statementId, 'statementId');
  v.length(statementId, 'statementId', 1, 100);
  v.pattern(statementId, 'statementId', STATEMENT_ID_PATTERN);
  v.required(action, 'action');
  v.length(action, 'action', 0, 22);
  v.pattern(action, 'action', ACTION_PATTERN);
  v.required(principal, 'principal');
  v.pattern(principal, 'principal', PRINCIPAL_PATTERN);
  v.length(organizationId, 'organizationId', 0, 34);
  v.pattern(organizationId, 'organizationId', ORGANIZATION_PATTERN);
  v.throwIfAny();
  return { statementId: statementId ?? '', action: action ?? '', principal: principal ?? '', organizationId };
}
