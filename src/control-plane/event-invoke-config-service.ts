// Put/Get/Update/Delete/ListFunctionEventInvokeConfig(s): the async retry policy and destinations
// of a function, version or alias (Lambda API reference, 2019-09-25 operations). Ranges from the
// model (MaximumRetryAttempts 0–2, MaximumEventAgeInSeconds 60–21,600); messages as AWS sends
// them (LAMBDA-BEHAVIOUR.md rows A20, A21). Destinations must be Lambda functions of this Hearth
// that exist: SQS, SNS and EventBridge destinations do not exist in Hearth yet (docs/async.md).
import { errors } from '../errors/lambda-error.js';
import type { EventInvokeConfigStore, FunctionStore } from '../storage/ports.js';
import { ConstraintViolations } from './constraint-violations.js';
import type { EventInvokeConfigRecord } from './event-invoke-config-record.js';
import { LATEST } from './function-record.js';
import { functionArn, parseFunctionName, type Account } from './function-name.js';
import { decodeListMarker, encodeListMarker } from './list-marker.js';

export interface EventInvokeConfigInput {
  readonly maximumRetryAttempts: number | undefined;
  readonly maximumEventAgeInSeconds: number | undefined;
  readonly onSuccess: string | undefined;
  readonly onFailure: string | undefined;
}

export interface EventInvokeConfigServiceDeps {
  readonly store: EventInvokeConfigStore;
  readonly functions: Pick<FunctionStore, 'get' | 'getAlias'>;
  readonly account: Account;
  readonly now?: () => number;
}

const LIST_DEFAULT = 50;
const FUNCTION_ARN = /^arn:aws:lambda:([a-z0-9-]+):(\d{12}):function:([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;

export class EventInvokeConfigService {
  constructor(private readonly deps: EventInvokeConfigServiceDeps) {}

  /** PutFunctionEventInvokeConfig: replaces the whole configuration. */
  async put(functionName: string, qualifier: string | undefined, input: EventInvokeConfigInput) {
    const target = await this.target(functionName, qualifier);
    await this.check(target.name, input);
    return this.save(target, input);
  }

  /** UpdateFunctionEventInvokeConfig: changes only the settings given. */
  async update(functionName: string, qualifier: string | undefined, input: EventInvokeConfigInput) {
    const target = await this.target(functionName, qualifier);
    await this.check(target.name, input);
    const current = await this.existing(target);
    return this.save(target, {
      maximumRetryAttempts: input.maximumRetryAttempts ?? current.maximumRetryAttempts,
      maximumEventAgeInSeconds: input.maximumEventAgeInSeconds ?? current.maximumEventAgeInSeconds,
      onSuccess: input.onSuccess ?? current.onSuccess,
      onFailure: input.onFailure ?? current.onFailure,
    });
  }

  async get(functionName: string, qualifier: string | undefined): Promise<EventInvokeConfigRecord> {
    return this.existing(await this.target(functionName, qualifier));
  }

  async delete(functionName: string, qualifier: string | undefined): Promise<void> {
    const target = await this.target(functionName, qualifier);
    if (!(await this.deps.store.deleteEventInvokeConfig(target.name, target.qualifier))) {
      throw errors.eventInvokeConfigNotFound(functionArn(this.deps.account, target.name, target.qualifier));
    }
  }

  async list(
    functionName: string,
    marker: string | undefined,
    maxItems: number | undefined,
  ): Promise<{ configs: EventInvokeConfigRecord[]; nextMarker: string | undefined }> {
    const violations = new ConstraintViolations();
    violations.range(maxItems, 'maxItems', 1, 50);
    violations.throwIfAny();
    const { name } = await this.target(functionName, undefined);
    const limit = maxItems ?? LIST_DEFAULT;
    const after = marker === undefined || marker === '' ? undefined : decodeListMarker(marker);
    const page = await this.deps.store.listEventInvokeConfigs(name, after, limit + 1);
    const configs = page.slice(0, limit);
    const last = configs[configs.length - 1];
    return { configs, nextMarker: page.length > limit && last ? encodeListMarker(last.qualifier) : undefined };
  }

  /** The function and qualifier the request names; 404 when either does not exist. */
  private async target(functionName: string, qualifierParam: string | undefined) {
    const ref = parseFunctionName(functionName, qualifierParam, this.deps.account);
    const qualifier = ref.qualifier ?? LATEST;
    if (!(await this.exists(ref.name, qualifier))) {
      throw errors.functionNotFound(functionArn(this.deps.account, ref.name, qualifier));
    }
    return { name: ref.name, qualifier };
  }

  private async exists(name: string, qualifier: string): Promise<boolean> {
    if (qualifier === LATEST || /^[0-9]+$/.test(qualifier)) {
      return (await this.deps.functions.get(name, qualifier)) !== undefined;
    }
    return (
      (await this.deps.functions.get(name, LATEST)) !== undefined &&
      (await this.deps.functions.getAlias(name, qualifier)) !== undefined
    );
  }

  private async existing(target: { name: string; qualifier: string }): Promise<EventInvokeConfigRecord> {
    const found = await this.deps.store.getEventInvokeConfig(target.name, target.qualifier);
    if (found === undefined) {
      throw errors.eventInvokeConfigNotFound(functionArn(this.deps.account, target.name, target.qualifier));
    }
    return found;
  }

  /** A20 ranges, then A21: something to set, destinations that are other Hearth functions. */
  private async check(functionName: string, input: EventInvokeConfigInput): Promise<void> {
    const violations = new ConstraintViolations();
    violations.range(input.maximumRetryAttempts, 'maximumRetryAttempts', 0, 2);
    violations.range(input.maximumEventAgeInSeconds, 'maximumEventAgeInSeconds', 60, 21_600);
    violations.throwIfAny();
    const nothing = Object.values(input).every((value) => value === undefined);
    if (nothing) throw errors.eventInvokeConfigEmpty();
    for (const destination of [input.onSuccess, input.onFailure]) {
      if (destination !== undefined) await this.checkDestination(functionName, destination);
    }
  }

  private async checkDestination(functionName: string, destination: string): Promise<void> {
    const match = FUNCTION_ARN.exec(destination);
    const { region, accountId } = this.deps.account;
    if (match === null || match[1] !== region || match[2] !== accountId) {
      throw errors.invalidDestination(destination);
    }
    const name = match[3] ?? '';
    if (name === functionName) throw errors.destinationIsSelf();
    if (!(await this.exists(name, match[4] ?? LATEST))) throw errors.invalidDestination(destination);
  }

  private async save(
    target: { name: string; qualifier: string },
    input: EventInvokeConfigInput,
  ): Promise<EventInvokeConfigRecord> {
    const record: EventInvokeConfigRecord = {
      functionName: target.name,
      qualifier: target.qualifier,
      ...input,
      lastModified: (this.deps.now ?? Date.now)(),
    };
    await this.deps.store.putEventInvokeConfig(record);
    return record;
  }
}

/** The FunctionEventInvokeConfig shape of the API (LastModified in epoch seconds, as rest-json sends timestamps). */
export function eventInvokeConfigView(account: Account, record: EventInvokeConfigRecord): Record<string, unknown> {
  return {
    LastModified: record.lastModified / 1000,
    FunctionArn: functionArn(account, record.functionName, record.qualifier),
    ...(record.maximumRetryAttempts !== undefined ? { MaximumRetryAttempts: record.maximumRetryAttempts } : {}),
    ...(record.maximumEventAgeInSeconds !== undefined
      ? { MaximumEventAgeInSeconds: record.maximumEventAgeInSeconds }
      : {}),
    DestinationConfig: {
      OnSuccess: record.onSuccess !== undefined ? { Destination: record.onSuccess } : {},
      OnFailure: record.onFailure !== undefined ? { Destination: record.onFailure } : {},
    },
  };
}
