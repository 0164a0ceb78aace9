// The request members of CreateAlias and UpdateAlias, decoded with types checked, and their
// checks (patterns and ranges from the Lambda API model's CreateAliasRequest / AliasRoutingConfiguration;
// Lambda's own routing rules from https://docs.aws.amazon.com/lambda/latest/dg/configuring-alias-routing.html).
import { errors } from '../errors/lambda-error.js';
import { ConstraintViolations } from './constraint-violations.js';
import { LATEST } from './function-record.js';
import { JsonReader, parseJsonObject } from './request-json.js';

export interface AliasInput {
  readonly name?: string | undefined;
  readonly functionVersion?: string | undefined;
  readonly description?: string | undefined;
  /** Present when the request carried RoutingConfig (an empty map clears the routing). */
  readonly additionalVersionWeights?: Readonly<Record<string, number>> | undefined;
  readonly revisionId?: string | undefined;
}

export const ALIAS_NAME_PATTERN = '(?!^[0-9]+$)([a-zA-Z0-9-_]+)';
const VERSION_PATTERN = '(\\$LATEST|[0-9]+)';

export function readAliasInput(body: Buffer): AliasInput {
  const json = new JsonReader(parseJsonObject(body));
  const routing = json.object('RoutingConfig');
  return {
    name: json.string('Name'),
    functionVersion: json.string('FunctionVersion'),
    description: json.string('Description'),
    additionalVersionWeights: routing === undefined ? undefined : (routing.numberMap('AdditionalVersionWeights') ?? {}),
    revisionId: json.string('RevisionId'),
  };
}

/** Model constraints first (one ValidationException), then Lambda's routing rules. */
export function checkAliasInput(input: AliasInput, creating: boolean): void {
  const v = new ConstraintViolations();
  if (creating) {
    v.required(input.name, 'name');
    v.required(input.functionVersion, 'functionVersion');
  }
  v.length(input.name, 'name', 1, 128);
  v.pattern(input.name, 'name', ALIAS_NAME_PATTERN);
  v.length(input.functionVersion, 'functionVersion', 1, 1024);
  v.pattern(input.functionVersion, 'functionVersion', VERSION_PATTERN);
  v.length(input.description, 'description', 0, 256);
  const weights = input.additionalVersionWeights ?? {};
  if (Object.values(weights).some((w) => w < 0 || w > 1)) {
    v.addHidden(
      'routingConfig.additionalVersionWeights',
      'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]',
    );
  }
  if (Object.keys(weights).some((key) => !/^[0-9]+$/.test(key))) {
    v.addHidden(
      'routingConfig.additionalVersionWeights',
      'Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [0-9]+]',
    );
  }
  v.throwIfAny();
  if (Object.keys(weights).length > 1) {
    throw errors.invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  }
}

/** Lambda's rules for the version an alias points at and the one it routes to. */
export function checkRouting(functionVersion: string, weights: Readonly<Record<string, number>>): void {
  const extra = Object.keys(weights);
  if (extra.length === 0) return;
  if (functionVersion === LATEST) {
    throw errors.invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
  }
  if (extra.includes(functionVersion)) {
    throw errors.invalidParameter(
      `Invalid function version ${functionVersion}. Function version ${functionVersion} is already included in routing configuration.`,
    );
  }
}
