// Provisioned concurrency configurations: Put, Get, Delete and List on a published version or an
// alias, never `$LATEST`. A configuration counts against the function's reservation, or without
// one is carved out of the account's unreserved pool, which must keep its minimum; the store checks
// and writes in one step. Status and counts come from the running sandboxes (Provisioning port).
// https://docs.aws.amazon.com/lambda/latest/api/API_PutProvisionedConcurrencyConfig.html
import { errors } from '../errors/lambda-error.js';
import type { AliasStore, FunctionRecordStore, ProvisionedConcurrencyStore } from '../storage/ports.js';
import type { AccountConcurrencyLimits } from './concurrency-service.js';
import { functionArn, parseFunctionName, type Account } from './function-name.js';
import { LATEST } from './function-record.js';
import { formatLastModified } from './last-modified.js';
import { decodeListMarker, encodeListMarker } from './list-marker.js';
import type { ProvisionedConcurrencyRecord } from './provisioned-concurrency-record.js';
import type { ProvisionedConcurrencyStatus, Provisioning } from './provisioning.js';

export interface ProvisionedConcurrencyServiceDeps {
  readonly store: ProvisionedConcurrencyStore &
    Pick<FunctionRecordStore, 'get'> &
    Pick<AliasStore, 'getAlias' | 'listAliases'>;
  readonly account: Account;
  readonly limits: AccountConcurrencyLimits;
  readonly provisioning?: Provisioning | undefined;
  readonly now: () => Date;
  /** Told after every change: admission re-reads the function's provisioned total. */
  readonly onChanged?: ((functionName: string) => void) | undefined;
}

/** A configuration with the status its sandboxes give it. */
export interface ProvisionedConcurrencyView extends ProvisionedConcurrencyStatus {
  readonly config: ProvisionedConcurrencyRecord;
}

const MAX_LIST_ITEMS = 50;
const NOT_APPLIED: ProvisionedConcurrencyStatus = {
  status: 'IN_PROGRESS',
  statusReason: undefined,
  available: 0,
  allocated: 0,
};

export class ProvisionedConcurrencyService {
  constructor(private readonly deps: ProvisionedConcurrencyServiceDeps) {}

  async put(functionName: string, qualifier: string | undefined, requested: number | undefined) {
    if (requested === undefined) {
      throw errors.constraint('null', 'provisionedConcurrentExecutions', 'Member must not be null');
    }
    if (requested < 1) {
      throw errors.constraint(
        String(requested),
        'provisionedConcurrentExecutions',
        'Member must have value greater than or equal to 1',
      );
    }
    const { name, qualifier: target } = await this.target(functionName, qualifier, 'put');
    await this.checkConflicts(name, target);
    const config: ProvisionedConcurrencyRecord = {
      functionName: name,
      qualifier: target,
      requested,
      lastModified: formatLastModified(this.deps.now()),
    };
    const { accountConcurrency, minimumUnreserved } = this.deps.limits;
    const result = await this.deps.store.putProvisionedConcurrency(config, accountConcurrency - minimumUnreserved);
    if (result === 'function-not-found') throw errors.functionNotFound(functionArn(this.deps.account, name));
    if (result === 'over-reserved') throw errors.provisionedOverReserved();
    if (result === 'over-limit') throw errors.provisionedBelowUnreservedMinimum(minimumUnreserved);
    this.changed(name);
    return this.view(config);
  }

  async get(functionName: string, qualifier: string | undefined): Promise<ProvisionedConcurrencyView> {
    const { name, qualifier: target } = await this.target(functionName, qualifier, 'read');
    const config = await this.deps.store.getProvisionedConcurrency(name, target);
    if (config === undefined) throw errors.provisionedConfigNotFound();
    return this.view(config);
  }

  /** Idempotent, as on Lambda: deleting a configuration that does not exist succeeds. */
  async delete(functionName: string, qualifier: string | undefined): Promise<void> {
    const { name, qualifier: target } = await this.target(functionName, qualifier, 'read');
    if (await this.deps.store.deleteProvisionedConcurrency(name, target)) this.changed(name);
  }

  async list(functionName: string, options: { marker?: string | undefined; maxItems?: number | undefined }) {
    const { store, account } = this.deps;
    const name = parseFunctionName(functionName, undefined, account).name;
    const limit = options.maxItems ?? MAX_LIST_ITEMS;
    if (limit < 1 || limit > MAX_LIST_ITEMS) {
      const bound = limit < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_LIST_ITEMS}`;
      throw errors.constraint(String(limit), 'maxItems', `Member must have value ${bound}`);
    }
    if (!(await store.get(name, LATEST))) throw errors.functionNotFound(functionArn(account, name));
    const after = options.marker === undefined || options.marker === '' ? undefined : decodeListMarker(options.marker);
    const page = await store.listProvisionedConcurrency(name, after ?? '', limit + 1);
    const configs = await Promise.all(page.slice(0, limit).map((config) => this.view(config)));
    const last = configs[configs.length - 1];
    const nextMarker = page.length > limit && last ? encodeListMarker(last.config.qualifier) : undefined;
    return { configs, nextMarker };
  }

  arnOf(config: ProvisionedConcurrencyRecord): string {
    return functionArn(this.deps.account, config.functionName, config.qualifier);
  }

  private async view(config: ProvisionedConcurrencyRecord): Promise<ProvisionedConcurrencyView> {
    const status = (await this.deps.provisioning?.status(config.functionName, config.qualifier)) ?? NOT_APPLIED;
    return { ...status, config };
  }

  private changed(name: string): void {
    this.deps.onChanged?.(name);
    this.deps.provisioning?.reconcile(name);
  }

  /** The function and the published version or alias a request names, which must exist. */
  private async target(
    functionName: string,
    qualifierParam: string | undefined,
    use: 'put' | 'read',
  ): Promise<{ name: string; qualifier: string }> {
    const { store, account } = this.deps;
    if (qualifierParam === undefined) throw errors.constraint('null', 'qualifier', 'Member must not be null');
    const ref = parseFunctionName(functionName, qualifierParam, account);
    const qualifier = ref.qualifier ?? LATEST;
    const unpublished = () => (use === 'put' ? errors.provisionedOnUnpublished() : errors.provisionedNeedsPublished());
    if (qualifier === LATEST) throw unpublished();
    if (!(await store.get(ref.name, LATEST))) throw errors.functionNotFound(functionArn(account, ref.name));
    if (/^[0-9]+$/.test(qualifier)) {
      if (!(await store.get(ref.name, qualifier)))
        throw errors.functionNotFound(functionArn(account, ref.name, qualifier));
      return { name: ref.name, qualifier };
    }
    const alias = await store.getAlias(ref.name, qualifier);
    if (!alias) throw errors.aliasNotFound(functionArn(account, ref.name, qualifier));
    if (use === 'put' && alias.functionVersion === LATEST) throw unpublished();
    return { name: ref.name, qualifier };
  }

  /** A version and an alias pointing at it cannot both have provisioned concurrency (Lambda: 409). */
  private async checkConflicts(name: string, qualifier: string): Promise<void> {
    const { store } = this.deps;
    if (/^[0-9]+$/.test(qualifier)) {
      for (const alias of await store.listAliases(name, undefined, 10_000)) {
        const routes = alias.functionVersion === qualifier || qualifier in alias.additionalVersionWeights;
        if (routes && (await store.getProvisionedConcurrency(name, alias.name)))
          throw errors.versionUnderProvisionedAlias();
      }
      return;
    }
    const alias = await store.getAlias(name, qualifier);
    for (const version of alias ? [alias.functionVersion, ...Object.keys(alias.additionalVersionWeights)] : []) {
      if (await store.getProvisionedConcurrency(name, version)) throw errors.aliasOnProvisionedVersion();
    }
  }
}
