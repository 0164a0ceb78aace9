// Function names, partial ARNs and full ARNs, and the qualifier that may ride on them.
// Pattern and lengths from the Lambda API model (FunctionName / NamespacedFunctionName shapes);
// error wording from AWS's request validator.
import { errors } from '../errors/lambda-error.js';

export interface Account {
  readonly region: string;
  readonly accountId: string;
}

export interface FunctionRef {
  readonly name: string;
  /** From the ARN suffix or the `Qualifier` parameter; undefined means `$LATEST`. */
  readonly qualifier: string | undefined;
}

const NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?(([a-z]{2}(-gov)?-[a-z]+-\d{1}):)?((\d{12}):)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const PATTERN_TEXT =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const QUALIFIER_PATTERN = /^(|[a-zA-Z0-9$_-]+)$/;

/**
 * Parses what a caller put in `{FunctionName}` (plus an optional `Qualifier` query parameter).
 * `maxLength` is 140 for most operations and 170 for Invoke (NamespacedFunctionName).
 */
export function parseFunctionName(
  input: string,
  qualifierParam: string | undefined,
  account: Account,
  maxLength = 140,
): FunctionRef {
  if (input.length > maxLength) {
    throw errors.constraint(input, 'functionName', `Member must have length less than or equal to ${maxLength}`);
  }
  const match = NAME_PATTERN.exec(input);
  if (input.length === 0 || !match) {
    throw errors.constraint(input, 'functionName', `Member must satisfy regular expression pattern: ${PATTERN_TEXT}`);
  }
  const region = match[4];
  const accountId = match[7];
  const name = match[9] ?? '';
  const arnQualifier = match[11];
  if (name.length > 64) {
    throw errors.invalidParameter(
      `1 validation error detected: Value '${name}' at 'functionName' failed to satisfy constraint: Member must have length less than or equal to 64`,
    );
  }
  if (region !== undefined && region !== account.region) {
    throw errors.invalidParameter(`Functions from '${region}' are not reachable in this region ('${account.region}')`);
  }
  if (accountId !== undefined && accountId !== account.accountId) {
    throw errors.invalidParameter(
      `The account ID in the function ARN (${accountId}) does not match this account (${account.accountId})`,
    );
  }
  if (qualifierParam !== undefined) {
    if (qualifierParam.length > 128 || !QUALIFIER_PATTERN.test(qualifierParam)) {
      throw errors.constraint(
        qualifierParam,
        'qualifier',
        'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)',
      );
    }
    if (arnQualifier !== undefined && arnQualifier !== qualifierParam) {
      throw errors.invalidParameter(
        'The derived qualifier from the function name does not match the specified qualifier.',
      );
    }
  }
  const qualifier = arnQualifier ?? (qualifierParam === '' ? undefined : qualifierParam);
  return { name, qualifier };
}

export function functionArn(account: Account, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${account.region}:${account.accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}
