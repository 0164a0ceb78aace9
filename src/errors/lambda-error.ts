// The one catalogue of platform errors. Each error carries the AWS exception name (sent as
// `x-amzn-ErrorType` and in the body), the HTTP status and the message AWS uses. Only
// `api/render-error.ts` turns these into HTTP responses; everything else throws or returns them.
// Names and statuses follow the Lambda API model (botocore lambda/2015-03-31/service-2.json);
// messages follow what AWS puts on the wire (see docs/errors.md).

export type LambdaErrorCode =
  | 'ValidationException'
  | 'InvalidParameterValueException'
  | 'InvalidRequestContentException'
  | 'ResourceNotFoundException'
  | 'ResourceConflictException'
  | 'PreconditionFailedException'
  | 'ProvisionedConcurrencyConfigNotFoundException'
  | 'RequestEntityTooLargeException'
  | 'UnsupportedMediaTypeException'
  | 'TooManyRequestsException'
  | 'ServiceException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'AccessDeniedException'
  | 'UnknownOperationException'
  | 'MethodNotAllowedException';

export class LambdaError extends Error {
  override readonly name = 'LambdaError';
  constructor(
    readonly code: LambdaErrorCode,
    readonly status: number,
    message: string,
    /** Extra body fields AWS sends for this error (e.g. `Reason` on throttles). */
    readonly fields: Readonly<Record<string, string>> = {},
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  /** "User" for caller mistakes, "Service" for our own failures, as in AWS's `Type` field. */
  get type(): 'User' | 'Service' {
    return this.status >= 500 ? 'Service' : 'User';
  }
}

export const errors = {
  /** Shape or constraint violation, in AWS's "1 validation error detected: …" form. */
  validation(message: string): LambdaError {
    return new LambdaError('ValidationException', 400, message);
  },
  /** One constraint failure, worded as the AWS request validator words it. */
  constraint(value: string, member: string, constraint: string): LambdaError {
    return new LambdaError(
      'ValidationException',
      400,
      `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`,
    );
  },
  invalidParameter(message: string): LambdaError {
    return new LambdaError('InvalidParameterValueException', 400, message);
  },
  invalidRequestContent(message: string): LambdaError {
    return new LambdaError('InvalidRequestContentException', 400, message);
  },
  functionNotFound(arn: string): LambdaError {
    return new LambdaError('ResourceNotFoundException', 404, `Function not found: ${arn}`);
  },
  resourceNotFound(message: string): LambdaError {
    return new LambdaError('ResourceNotFoundException', 404, message);
  },
  functionExists(name: string): LambdaError {
    return new LambdaError('ResourceConflictException', 409, `Function already exist: ${name}`);
  },
  functionNotReady(state: string): LambdaError {
    return new LambdaError(
      'ResourceConflictException',
      409,
      `The operation cannot be performed at this time. The function is currently in the following state: ${state}`,
    );
  },
  updateInProgress(arn: string): LambdaError {
    return new LambdaError(
      'ResourceConflictException',
      409,
      `The operation cannot be performed at this time. An update is in progress for resource: ${arn}`,
    );
  },
  revisionMismatch(): LambdaError {
    return new LambdaError(
      'PreconditionFailedException',
      412,
      'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    );
  },
  /** PublishVersion's CodeSha256 precondition (Lambda's PublishVersion API reference). */
  codeShaMismatch(given: string, current: string): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      `CodeSHA256 (${given}) is different from current CodeSHA256 in $LATEST (${current}). Please try again with the current CodeSHA256.`,
    );
  },
  latestNotDeletable(): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      '$LATEST version cannot be deleted without deleting the function.',
    );
  },
  /** DeleteFunction with an alias as Qualifier: aliases go through DeleteAlias. */
  aliasDeletionUnsupported(): LambdaError {
    return new LambdaError('InvalidParameterValueException', 400, 'Deletion of aliases is not supported.');
  },
  versionInUse(version: string, aliases: readonly string[]): LambdaError {
    return new LambdaError(
      'ResourceConflictException',
      409,
      `Unable to delete version ${version} because the following aliases reference it: [${aliases.join(', ')}]`,
    );
  },
  aliasExists(arn: string): LambdaError {
    return new LambdaError('ResourceConflictException', 409, `Alias already exists: ${arn}`);
  },
  aliasNotFound(arn: string): LambdaError {
    return new LambdaError('ResourceNotFoundException', 404, `Cannot find alias arn: ${arn}`);
  },
  /** Matrix row A28: a reservation must leave the account's unreserved minimum free. */
  unreservedBelowMinimum(minimum: number): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
    );
  },
  /** A function's `Layers` names a layer version that does not exist (AWS's wording). */
  layerVersionNotFound(arn: string): LambdaError {
    return new LambdaError('InvalidParameterValueException', 400, `Layer version ${arn} does not exist.`);
  },
  /** More than 5 layers on one function (AWS's wording). */
  tooManyLayers(limit: number): LambdaError {
    return new LambdaError('InvalidParameterValueException', 400, `Cannot reference more than ${limit} layers.`);
  },
  /** Two entries of `Layers` name the same layer (Hearth's wording; see docs/layers.md). */
  duplicateLayer(first: string, second: string): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      `Two different versions of the same layer are not allowed to be referenced in the same function. ${first} and ${second} are versions of the same layer.`,
    );
  },
  /** A layer that declares CompatibleRuntimes without the function's runtime (Hearth's check). */
  layerIncompatibleRuntime(arn: string, runtime: string, compatible: readonly string[]): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      `Layer version ${arn} is not compatible with the runtime ${runtime}. Its compatible runtimes are [${compatible.join(', ')}].`,
    );
  },
  /** A layer that declares CompatibleArchitectures without the function's architecture (Hearth's check). */
  layerIncompatibleArchitecture(arn: string, architecture: string, compatible: readonly string[]): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      `Layer version ${arn} is not compatible with the architecture ${architecture}. Its compatible architectures are [${compatible.join(', ')}].`,
    );
  },
  /** Function code and layers together over the unzipped limit (AWS's wording). */
  codeAndLayersTooLarge(limit: number, actual: number): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      `Function code combined with layers exceeds the maximum allowed size of ${limit} bytes. The actual size is ${actual} bytes.`,
    );
  },
  /** A layer version, or a layer policy statement, that does not exist. */
  layerResourceNotFound(): LambdaError {
    return new LambdaError('ResourceNotFoundException', 404, 'The resource you requested does not exist.');
  },
  noPolicy(): LambdaError {
    return new LambdaError('ResourceNotFoundException', 404, 'No policy is associated with the given resource.');
  },
  statementExists(sid: string): LambdaError {
    return new LambdaError(
      'ResourceConflictException',
      409,
      `The statement id (${sid}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
    );
  },
  statementNotFound(sid: string): LambdaError {
    return new LambdaError('ResourceNotFoundException', 404, `Statement ${sid} is not found in resource policy.`);
  },
  layerPolicyRevisionMismatch(): LambdaError {
    return new LambdaError(
      'PreconditionFailedException',
      412,
      'The Revision Id provided does not match the latest Revision Id. Call the GetLayerVersionPolicy API to retrieve the latest Revision Id',
    );
  },
  /** Hearth's wording: AWS documents no message for a reservation below provisioned concurrency. */
  reservationBelowProvisioned(provisioned: number): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      `Specified ReservedConcurrentExecutions for function is less than the function's provisioned concurrency [${provisioned}].`,
    );
  },
  provisionedOnUnpublished(): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      'Provisioned Concurrency Configs cannot be applied to unpublished function versions.',
    );
  },
  /** Get/DeleteProvisionedConcurrencyConfig with Qualifier `$LATEST`. */
  provisionedNeedsPublished(): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      'The function resource provided must be an alias or a published version.',
    );
  },
  provisionedConfigNotFound(): LambdaError {
    return new LambdaError(
      'ProvisionedConcurrencyConfigNotFoundException',
      404,
      'No Provisioned Concurrency Config found for this function',
    );
  },
  provisionedOverReserved(): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      'Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function',
    );
  },
  provisionedBelowUnreservedMinimum(minimum: number): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      `Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${minimum}].`,
    );
  },
  aliasOnProvisionedVersion(): LambdaError {
    return new LambdaError(
      'ResourceConflictException',
      409,
      "Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version",
    );
  },
  versionUnderProvisionedAlias(): LambdaError {
    return new LambdaError('ResourceConflictException', 409, 'Version is pointed by a Provisioned Concurrency alias');
  },
  requestTooLarge(limit: number, operation: string): LambdaError {
    return new LambdaError(
      'RequestEntityTooLargeException',
      413,
      `Request must be smaller than ${limit} bytes for the ${operation} operation`,
    );
  },
  /** Async (Event) invoke payload over the async limit (AWS: 1 MB since 2025, formerly 256 KB). */
  eventPayloadTooLarge(size: number, limit: number): LambdaError {
    return new LambdaError(
      'RequestEntityTooLargeException',
      413,
      `${size} byte payload is too large for the Event invocation type (limit ${limit} bytes)`,
    );
  },
  zippedTooLarge(limit: number): LambdaError {
    return new LambdaError('RequestEntityTooLargeException', 413, `Zipped size must be smaller than ${limit} bytes`);
  },
  /** A code archive that cannot be read or breaks an extraction rule (zip-slip, device files, …). */
  invalidZip(): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      'Could not unzip uploaded file. Please check your file, then try to upload again.',
    );
  },
  unzippedTooLarge(limit: number): LambdaError {
    return new LambdaError('InvalidParameterValueException', 400, `Unzipped size must be smaller than ${limit} bytes`);
  },
  /** Hearth's own cap (AWS documents none); worded like the size caps. */
  tooManyZipEntries(limit: number): LambdaError {
    return new LambdaError('InvalidParameterValueException', 400, `Zip archives must hold at most ${limit} entries`);
  },
  unsupportedMediaType(message: string): LambdaError {
    return new LambdaError('UnsupportedMediaTypeException', 415, message);
  },
  tooManyRequests(reason: string, retryAfterSeconds: number): LambdaError {
    return new LambdaError(
      'TooManyRequestsException',
      429,
      'Rate Exceeded.',
      { Reason: reason },
      { 'Retry-After': String(retryAfterSeconds) },
    );
  },
  /** Hearth's own: a MemorySize no sandbox on this host can ever get (docs/capacity.md). */
  largerThanSandboxBudget(memoryMb: number, budgetMb: number): LambdaError {
    return new LambdaError(
      'ServiceException',
      500,
      `The function's MemorySize (${memoryMb} MB) is larger than this host's sandbox memory budget (${budgetMb} MB, HEARTH_SANDBOX_MEMORY_MB).`,
    );
  },
  /** Get/Update/DeleteFunctionEventInvokeConfig on a function or qualifier without one (AWS's wording). */
  eventInvokeConfigNotFound(arn: string): LambdaError {
    return new LambdaError('ResourceNotFoundException', 404, `The function ${arn} doesn't have an EventInvokeConfig`);
  },
  /** An on-success / on-failure destination that is not a Hearth Lambda function that exists (AWS's wording). */
  invalidDestination(arn: string): LambdaError {
    return new LambdaError('InvalidParameterValueException', 400, `The destination ARN ${arn} is invalid.`);
  },
  destinationIsSelf(): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      "You can't specify the function as a destination for itself.",
    );
  },
  eventInvokeConfigEmpty(): LambdaError {
    return new LambdaError(
      'InvalidParameterValueException',
      400,
      'You must specify at least one of error handling or destination setting.',
    );
  },
  /** An asynchronous event could not be stored durably (disk full, I/O error): no 202 is sent. */
  eventNotQueued(): LambdaError {
    return new LambdaError(
      'ServiceException',
      500,
      'The event could not be queued for asynchronous invocation. Please retry.',
    );
  },
  service(message = 'An internal error occurred. Please retry.'): LambdaError {
    return new LambdaError('ServiceException', 500, message);
  },
  missingAuthentication(): LambdaError {
    return new LambdaError('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  },
  incompleteSignature(message: string): LambdaError {
    return new LambdaError('IncompleteSignatureException', 403, message);
  },
  invalidSignature(message: string): LambdaError {
    return new LambdaError('InvalidSignatureException', 403, message);
  },
  unrecognizedClient(): LambdaError {
    return new LambdaError(
      'UnrecognizedClientException',
      403,
      'The security token included in the request is invalid.',
    );
  },
  accessDenied(message: string): LambdaError {
    return new LambdaError('AccessDeniedException', 403, message);
  },
  unknownOperation(method: string, path: string): LambdaError {
    return new LambdaError('UnknownOperationException', 404, `No operation matches ${method} ${path}`);
  },
} as const;
