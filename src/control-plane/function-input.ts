// The request members of CreateFunction, UpdateFunctionConfiguration and UpdateFunctionCode that
// Hearth reads, decoded from their JSON bodies with types checked (values are checked later, in
// function-validation.ts). Shapes follow the Lambda API model (CreateFunctionRequest, …).
import { JsonReader, parseJsonObject } from './request-json.js';

export interface CodeInput {
  readonly zipFile?: Buffer | undefined;
  readonly s3Bucket?: string | undefined;
  readonly s3Key?: string | undefined;
  readonly s3ObjectVersion?: string | undefined;
  readonly imageUri?: string | undefined;
}

/** Members CreateFunction and UpdateFunctionConfiguration share. */
export interface ConfigurationInput {
  readonly runtime?: string | undefined;
  readonly role?: string | undefined;
  readonly handler?: string | undefined;
  readonly description?: string | undefined;
  readonly timeout?: number | undefined;
  readonly memorySize?: number | undefined;
  /** Present (possibly empty) when the request carried `Environment`; it replaces the whole map. */
  readonly environment?: Readonly<Record<string, string>> | undefined;
  /** Present when the request carried `EphemeralStorage`; `size` undefined means Size was missing. */
  readonly ephemeralStorage?: { readonly size: number | undefined } | undefined;
  readonly layers?: readonly string[] | undefined;
}

export interface CreateFunctionInput extends ConfigurationInput {
  readonly functionName?: string | undefined;
  readonly code?: CodeInput | undefined;
  readonly publish?: boolean | undefined;
  readonly packageType?: string | undefined;
  readonly tags?: Readonly<Record<string, string>> | undefined;
  readonly architectures?: readonly string[] | undefined;
}

export interface UpdateConfigurationInput extends ConfigurationInput {
  readonly revisionId?: string | undefined;
}

export interface UpdateCodeInput {
  readonly code: CodeInput;
  readonly publish?: boolean | undefined;
  readonly dryRun?: boolean | undefined;
  readonly revisionId?: string | undefined;
  readonly architectures?: readonly string[] | undefined;
}

function readConfiguration(json: JsonReader): ConfigurationInput {
  const environment = json.object('Environment');
  const ephemeral = json.object('EphemeralStorage');
  return {
    runtime: json.string('Runtime'),
    role: json.string('Role'),
    handler: json.string('Handler'),
    description: json.string('Description'),
    timeout: json.integer('Timeout'),
    memorySize: json.integer('MemorySize'),
    environment: environment === undefined ? undefined : (environment.stringMap('Variables') ?? {}),
    ephemeralStorage: ephemeral === undefined ? undefined : { size: ephemeral.integer('Size') },
    layers: json.stringList('Layers'),
  };
}

function readCode(json: JsonReader): CodeInput {
  return {
    zipFile: json.blob('ZipFile'),
    s3Bucket: json.string('S3Bucket'),
    s3Key: json.string('S3Key'),
    s3ObjectVersion: json.string('S3ObjectVersion'),
    imageUri: json.string('ImageUri'),
  };
}

export function readCreateFunctionInput(body: Buffer): CreateFunctionInput {
  const json = new JsonReader(parseJsonObject(body));
  const code = json.object('Code');
  return {
    ...readConfiguration(json),
    functionName: json.string('FunctionName'),
    code: code === undefined ? undefined : readCode(code),
    publish: json.boolean('Publish'),
    packageType: json.string('PackageType'),
    tags: json.stringMap('Tags'),
    architectures: json.stringList('Architectures'),
  };
}

export function readUpdateConfigurationInput(body: Buffer): UpdateConfigurationInput {
  const json = new JsonReader(parseJsonObject(body));
  return { ...readConfiguration(json), revisionId: json.string('RevisionId') };
}

export function readUpdateCodeInput(body: Buffer): UpdateCodeInput {
  const json = new JsonReader(parseJsonObject(body));
  return {
    code: readCode(json),
    publish: json.boolean('Publish'),
    dryRun: json.boolean('DryRun'),
    revisionId: json.string('RevisionId'),
    architectures: json.stringList('Architectures'),
  };
}
