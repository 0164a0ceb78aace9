// Input checks for CreateFunction, UpdateFunctionConfiguration and UpdateFunctionCode. Pure.
// Model-level constraints (botocore lambda/2015-03-31 service-2.json shapes, plus the quota maxima
// for memory and timeout) are reported together as one ValidationException, as AWS's request
// validator does; Lambda's own checks then answer InvalidParameterValueException with AWS's text
// (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html, quotas page).
import { errors } from '../errors/lambda-error.js';
import { ConstraintViolations } from './constraint-violations.js';
import type {
  ConfigurationInput,
  CodeInput,
  CreateFunctionInput,
  UpdateCodeInput,
  UpdateConfigurationInput,
} from './function-input.js';
import { parseFunctionName, type Account } from './function-name.js';
import type { FunctionPatch } from './function-record.js';
import { checkEnvironment } from './environment-rules.js';
import { LAYER_REFERENCE_PATTERN } from './layer-arn.js';
import { MAX_LAYERS } from './layer-rules.js';
import { LAMBDA_RUNTIME_ENUM } from './lambda-runtime-enum.js';
import { checkHearthTags } from './hearth-tags.js';
import { checkTags } from './tag-rules.js';

export interface ValidationContext {
  readonly account: Account;
  /** The runtimes this Hearth can run (runtimes/runtime-catalog.ts SUPPORTED_RUNTIMES). */
  readonly supportedRuntimes: readonly string[];
}

/** A CreateFunction request that passed every check, with AWS's defaults filled in. */
export interface NewFunction {
  readonly name: string;
  readonly runtime: string;
  readonly handler: string;
  readonly role: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: number;
  readonly ephemeralStorage: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly architectures: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly zip: Buffer;
  /** The `Layers` entries as given (resolved by the service); empty when there are none. */
  readonly layers: readonly string[];
  /** Publish version 1 along with the function. */
  readonly publish: boolean;
}

export interface CodeUpdate {
  readonly zip: Buffer;
  readonly architectures: readonly string[] | undefined;
  /** Publish a version of the updated code. */
  readonly publish: boolean;
}

/** Direct-upload limit for a zipped deployment package (Lambda quotas). */
export const MAX_ZIPPED_BYTES = 52_428_800;
export const ARCHITECTURES: readonly string[] = ['x86_64', 'arm64'];
const PACKAGE_TYPES: readonly string[] = ['Zip', 'Image'];
// The `FunctionName` shape (CreateFunction): unlike the namespaced names it allows no dots.
const CREATE_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const ROLE_PATTERN = 'arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+';
const HANDLER_PATTERN = '[^\\s]+';
const ENV_KEY_PATTERN = '[a-zA-Z]([a-zA-Z0-9_])+';

const DEFAULTS = { memorySize: 128, timeout: 3, ephemeralStorage: 512, architectures: ['x86_64'] } as const;

function checkConfigurationShape(input: ConfigurationInput, v: ConstraintViolations): void {
  v.pattern(input.role, 'role', ROLE_PATTERN);
  v.length(input.handler, 'handler', 0, 128);
  v.pattern(input.handler, 'handler', HANDLER_PATTERN);
  v.length(input.description, 'description', 0, 256);
  v.range(input.timeout, 'timeout', 1, 900);
  v.range(input.memorySize, 'memorySize', 128, 10240);
  if (input.ephemeralStorage !== undefined) {
    v.required(input.ephemeralStorage.size, 'ephemeralStorage.size');
    v.range(input.ephemeralStorage.size, 'ephemeralStorage.size', 512, 10240);
  }
  checkLayersShape(input.layers, v);
  const keys = Object.keys(input.environment ?? {});
  if (keys.some((key) => !new RegExp(`^(?:${ENV_KEY_PATTERN})$`).test(key))) {
    v.addHidden(
      'environment.variables',
      `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${ENV_KEY_PATTERN}]`,
    );
  }
}

function checkArchitecturesShape(architectures: readonly string[] | undefined, v: ConstraintViolations): void {
  if (architectures === undefined) return;
  if (architectures.length < 1)
    v.add(architectures, 'architectures', 'Member must have length greater than or equal to 1');
  if (architectures.length > 1)
    v.add(architectures, 'architectures', 'Member must have length less than or equal to 1');
  if (architectures.some((a) => !ARCHITECTURES.includes(a))) {
    v.add(
      architectures,
      'architectures',
      `Member must satisfy constraint: [Member must satisfy enum value set: [${ARCHITECTURES.join(', ')}]]`,
    );
  }
}

/** Lambda's own runtime checks: the model's enum first, then what Hearth can actually run. */
function checkRuntime(runtime: string, ctx: ValidationContext): void {
  if (!LAMBDA_RUNTIME_ENUM.includes(runtime)) {
    throw errors.invalidParameter(
      `Value ${runtime} at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [${LAMBDA_RUNTIME_ENUM.join(', ')}]`,
    );
  }
  if (!ctx.supportedRuntimes.includes(runtime)) {
    throw errors.invalidParameter(
      `The runtime parameter of ${runtime} is not supported by Hearth for creating or updating functions. ` +
        `Hearth runs these runtimes: ${ctx.supportedRuntimes.join(', ')}.`,
    );
  }
}

/**
 * The model's constraint on each `Layers` entry, worded as AWS's validator words it, with Hearth's
 * pattern (a version is optional: docs/layers.md).
 */
function checkLayersShape(layers: readonly string[] | undefined, v: ConstraintViolations): void {
  if (layers === undefined) return;
  const pattern = new RegExp(`^(?:${LAYER_REFERENCE_PATTERN})$`);
  if (layers.every((layer) => layer.length >= 1 && layer.length <= 140 && pattern.test(layer))) return;
  v.add(
    layers,
    'layers',
    'Member must satisfy constraint: [Member must have length less than or equal to 140, Member must have length greater than or equal to 1, ' +
      `Member must satisfy regular expression pattern: ${LAYER_REFERENCE_PATTERN}]`,
  );
}

/** Lambda's own limit on the number of layers, checked after the model's constraints. */
function checkLayerCount(layers: readonly string[] | undefined): void {
  if (layers !== undefined && layers.length > MAX_LAYERS) throw errors.tooManyLayers(MAX_LAYERS);
}

/** Hearth takes code only as an inline zip (`ZipFile`). */
function requireZipFile(code: CodeInput): Buffer {
  const { zipFile, s3Bucket, s3Key, s3ObjectVersion, imageUri } = code;
  const others =
    s3Bucket !== undefined || s3Key !== undefined || s3ObjectVersion !== undefined || imageUri !== undefined;
  if (zipFile === undefined) {
    if (others) {
      throw errors.invalidParameter(
        'Hearth accepts function code only as ZipFile (the zip itself, base64 in the request); S3Bucket/S3Key/S3ObjectVersion and ImageUri are not supported.',
      );
    }
    throw errors.invalidParameter('Please provide a source for function code.');
  }
  if (others)
    throw errors.invalidParameter('Please do not provide other FunctionCode parameters when providing a ZipFile.');
  if (zipFile.length > MAX_ZIPPED_BYTES) throw errors.zippedTooLarge(MAX_ZIPPED_BYTES);
  return zipFile;
}

export function validateCreate(input: CreateFunctionInput, ctx: ValidationContext): NewFunction {
  const v = new ConstraintViolations();
  v.required(input.functionName, 'functionName');
  v.length(input.functionName, 'functionName', 1, 140);
  v.pattern(input.functionName, 'functionName', CREATE_NAME_PATTERN);
  v.required(input.role, 'role');
  v.required(input.code, 'code');
  checkConfigurationShape(input, v);
  v.enumValue(input.packageType, 'packageType', PACKAGE_TYPES);
  checkArchitecturesShape(input.architectures, v);
  v.throwIfAny();

  const ref = parseFunctionName(input.functionName ?? '', undefined, ctx.account);
  if (ref.qualifier !== undefined) {
    throw errors.invalidParameter(
      'A function name given to CreateFunction cannot carry a qualifier (version or alias).',
    );
  }
  if (input.packageType === 'Image') {
    throw errors.invalidParameter(
      'Hearth runs .zip file archives only: PackageType Image (container images) is not supported.',
    );
  }
  const zip = requireZipFile(input.code ?? {});
  if (input.runtime === undefined || input.handler === undefined) {
    throw errors.invalidParameter(
      'Runtime and Handler are mandatory parameters for functions created with deployment packages.',
    );
  }
  checkRuntime(input.runtime, ctx);
  checkLayerCount(input.layers);
  const environment = input.environment ?? {};
  checkEnvironment(environment);
  const tags = input.tags ?? {};
  checkTags(tags);
  checkHearthTags(tags, input.memorySize ?? DEFAULTS.memorySize);
  return {
    name: ref.name,
    runtime: input.runtime,
    handler: input.handler,
    role: input.role ?? '',
    description: input.description ?? '',
    memorySize: input.memorySize ?? DEFAULTS.memorySize,
    timeout: input.timeout ?? DEFAULTS.timeout,
    ephemeralStorage: input.ephemeralStorage?.size ?? DEFAULTS.ephemeralStorage,
    environment,
    architectures: input.architectures ?? DEFAULTS.architectures,
    tags,
    zip,
    layers: input.layers ?? [],
    publish: input.publish === true,
  };
}

/** Checks an UpdateFunctionConfiguration request; returns the patch of the members it sets. */
export function validateConfigurationUpdate(input: UpdateConfigurationInput, ctx: ValidationContext): FunctionPatch {
  const v = new ConstraintViolations();
  checkConfigurationShape(input, v);
  v.throwIfAny();
  if (input.runtime !== undefined) checkRuntime(input.runtime, ctx);
  checkLayerCount(input.layers);
  if (input.environment !== undefined) checkEnvironment(input.environment);
  const patch: { -readonly [K in keyof FunctionPatch]: FunctionPatch[K] } = {};
  if (input.runtime !== undefined) patch.runtime = input.runtime;
  if (input.role !== undefined) patch.role = input.role;
  if (input.handler !== undefined) patch.handler = input.handler;
  if (input.description !== undefined) patch.description = input.description;
  if (input.timeout !== undefined) patch.timeout = input.timeout;
  if (input.memorySize !== undefined) patch.memorySize = input.memorySize;
  if (input.environment !== undefined) patch.environment = input.environment;
  if (input.ephemeralStorage?.size !== undefined) patch.ephemeralStorage = input.ephemeralStorage.size;
  return patch;
}

export function validateCodeUpdate(input: UpdateCodeInput): CodeUpdate {
  const v = new ConstraintViolations();
  checkArchitecturesShape(input.architectures, v);
  v.throwIfAny();
  return { zip: requireZipFile(input.code), architectures: input.architectures, publish: input.publish === true };
}
