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
