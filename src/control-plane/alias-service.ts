// Aliases: CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-aliases.html). An alias names a
// published version (or `$LATEST`) and may route a share of invocations to one more version.
// Updates are compare-and-swaps on the alias's RevisionId. An alias with provisioned concurrency
// may move only where PutProvisionedConcurrencyConfig would have accepted it.
import { errors } from '../errors/lambda-error.js';
import type { AliasStore, FunctionRecordStore, ProvisionedConcurrencyStore } from '../storage/ports.js';
import { checkAliasInput, checkRouting, type AliasInput } from './alias-input.js';
import type { AliasRecord } from './alias-record.js';
import { functionArn, parseFunctionName, type Account } from './function-name.js';
import { LATEST } from './function-record.js';
import { decodeListMarker, encodeListMarker } from './list-marker.js';

export interface AliasServiceDeps {
  readonly store: AliasStore &
    Pick<FunctionRecordStore, 'get'> &
    Pick<ProvisionedConcurrencyStore, 'getProvisionedConcurrency'>;
  readonly account: Account;
  readonly newRevisionId: () => string;
  /** Told after every alias change, so the front end routes by the new alias at once. */
  readonly onChanged?: ((functionName: string) => void) | undefined;
}

export interface AliasPage {
  readonly aliases: readonly AliasRecord[];
  readonly nextMarker: string | undefined;
}

export class AliasService {
  constructor(private readonly deps: AliasServiceDeps) {}

  async create(functionName: string, input: AliasInput): Promise<AliasRecord> {
    checkAliasInput(input, true);
    const name = await this.existingFunction(functionName);
    const alias: AliasRecord = {
      functionName: name,
      name: input.name ?? '',
      functionVersion: input.functionVersion ?? LATEST,
      description: input.description ?? '',
      additionalVersionWeights: input.additionalVersionWeights ?? {},
      revisionId: this.deps.newRevisionId(),
    };
    await this.checkTargets(alias);
    if (!(await this.deps.store.insertAlias(alias))) throw errors.aliasExists(this.arnOf(alias));
    this.deps.onChanged?.(name);
    return alias;
  }

  async get(functionName: string, aliasName: string): Promise<AliasRecord> {
    const name = this.nameOf(functionName);
    const alias = await this.deps.store.getAlias(name, aliasName);
    if (!alias) throw errors.aliasNotFound(functionArn(this.deps.account, name, aliasName));
    return alias;
  }

  async update(functionName: string, aliasName: string, input: AliasInput): Promise<AliasRecord> {
    checkAliasInput({ ...input, name: undefined }, false);
    const current = await this.get(functionName, aliasName);
    if (input.revisionId !== undefined && input.revisionId !== current.revisionId) throw errors.revisionMismatch();
    const next: AliasRecord = {
      ...current,
      functionVersion: input.functionVersion ?? current.functionVersion,
      description: input.description ?? current.description,
      additionalVersionWeights: input.additionalVersionWeights ?? current.additionalVersionWeights,
      revisionId: this.deps.newRevisionId(),
    };
    await this.checkTargets(next);
    await this.checkProvisioned(next);
    // Lost a race with another update (or a delete): the caller's view is stale either way.
    if (!(await this.deps.store.updateAlias(next, current.revisionId))) throw errors.revisionMismatch();
    this.deps.onChanged?.(current.functionName);
    return next;
  }

  async delete(functionName: string, aliasName: string): Promise<void> {
    const name = await this.existingFunction(functionName);
    // Deleting an alias that does not exist succeeds, as on Lambda (DeleteAlias is idempotent).
    if (await this.deps.store.deleteAlias(name, aliasName)) this.deps.onChanged?.(name);
  }

  async list(
    functionName: string,
    options: { functionVersion?: string | undefined; marker?: string | undefined; maxItems?: number | undefined },
  ): Promise<AliasPage> {
    const name = await this.existingFunction(functionName);
    const limit = options.maxItems ?? 50;
    if (limit < 1 || limit > 10000) {
      const bound = limit < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000';
      throw errors.constraint(String(limit), 'maxItems', `Member must have value ${bound}`);
    }
    const after = options.marker === undefined || options.marker === '' ? undefined : decodeListMarker(options.marker);
    const matching = (await this.deps.store.listAliases(name, after, 10_000)).filter(
      (alias) =>
        options.functionVersion === undefined ||
        alias.functionVersion === options.functionVersion ||
        options.functionVersion in alias.additionalVersionWeights,
    );
    const aliases = matching.slice(0, limit);
    const last = aliases[aliases.length - 1];
    return { aliases, nextMarker: matching.length > limit && last ? encodeListMarker(last.name) : undefined };
  }

  arnOf(alias: AliasRecord): string {
    return functionArn(this.deps.account, alias.functionName, alias.name);
  }

  private nameOf(functionName: string): string {
    return parseFunctionName(functionName, undefined, this.deps.account).name;
  }

  private async existingFunction(functionName: string): Promise<string> {
    const name = this.nameOf(functionName);
    if (!(await this.deps.store.get(name, LATEST))) throw errors.functionNotFound(functionArn(this.deps.account, name));
    return name;
  }

  /**
   * An alias with provisioned concurrency may not move onto `$LATEST`, nor route to a version that
   * has a configuration of its own: the errors PutProvisionedConcurrencyConfig gives for the same
   * pair (a version and an alias routing to it cannot both have one).
   */
  private async checkProvisioned(alias: AliasRecord): Promise<void> {
    const { store } = this.deps;
    if (!(await store.getProvisionedConcurrency(alias.functionName, alias.name))) return;
    if (alias.functionVersion === LATEST) throw errors.provisionedOnUnpublished();
    for (const version of [alias.functionVersion, ...Object.keys(alias.additionalVersionWeights)]) {
      if (await store.getProvisionedConcurrency(alias.functionName, version)) throw errors.aliasOnProvisionedVersion();
    }
  }

  /** Every version the alias names must exist; routing must follow Lambda's rules. */
  private async checkTargets(alias: AliasRecord): Promise<void> {
    checkRouting(alias.functionVersion, alias.additionalVersionWeights);
    for (const version of [alias.functionVersion, ...Object.keys(alias.additionalVersionWeights)]) {
      if (!(await this.deps.store.get(alias.functionName, version))) {
        throw errors.functionNotFound(functionArn(this.deps.account, alias.functionName, version));
      }
    }
  }
}
