// Applies the stored provisioned concurrency configurations to this host's sandboxes: a version
// gets its N environments, an alias gets them on the version(s) it routes to (split by weight),
// and when an alias moves, its environments follow. Called after every change to a function, its
// aliases or its configurations, and once at start-up; calls for one function run one at a time.
import type { ProvisionedConcurrencyStatus, Provisioning } from '../control-plane/provisioning.js';
import type { ProvisionedConcurrencyRecord } from '../control-plane/provisioned-concurrency-record.js';
import type { FunctionStore } from '../storage/ports.js';
import type { ProvisionedAllocation } from './provisioned-fleet.js';
import { splitByWeights, type VersionShare } from './provisioned-plan.js';
import type { WorkerManager } from './worker-manager.js';

export interface ProvisionerDeps {
  readonly store: Pick<FunctionStore, 'get' | 'getAlias' | 'listProvisionedConcurrency'>;
  readonly workers: Pick<WorkerManager, 'provision' | 'unprovision' | 'provisionedIdsOf' | 'provisionedState'>;
  /** Host directory of the extracted code with this CodeSha256. */
  codeDirFor(codeSha256: string): string;
  /** Store failures while applying (the configuration is applied again on the next change). */
  readonly onError?: (error: unknown) => void;
}

export class Provisioner implements Provisioning {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly deps: ProvisionerDeps) {}

  reconcile(functionName: string): void {
    void this.apply(functionName);
  }

  /** Applies the function's configurations; resolves when done. Never rejects. */
  apply(functionName: string): Promise<void> {
    const previous = this.queues.get(functionName) ?? Promise.resolve();
    const next = previous
      .then(() => this.applyNow(functionName))
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(() => {
        if (this.queues.get(functionName) === next) this.queues.delete(functionName);
      });
    this.queues.set(functionName, next);
    return next;
  }

  /** Applies every stored configuration; call once at start-up. */
  async start(): Promise<void> {
    const names = new Set((await this.deps.store.listProvisionedConcurrency(undefined)).map((c) => c.functionName));
    await Promise.all([...names].map((name) => this.apply(name)));
  }

  async status(functionName: string, qualifier: string): Promise<ProvisionedConcurrencyStatus> {
    await this.queues.get(functionName);
    const state = this.deps.workers.provisionedState(targetId(functionName, qualifier));
    // Not applied yet (just put, or a version still activating): nothing allocated so far.
    return state ?? { status: 'IN_PROGRESS', statusReason: undefined, available: 0, allocated: 0 };
  }

  private async applyNow(functionName: string): Promise<void> {
    const { store, workers } = this.deps;
    const configs = await store.listProvisionedConcurrency(functionName);
    const wanted = new Set<string>();
    for (const config of configs) {
      const id = targetId(functionName, config.qualifier);
      wanted.add(id);
      const allocations = await this.allocationsOf(config);
      workers.provision({
        id,
        requested: config.requested,
        allocations: allocations ?? [],
        generation: config.lastModified,
      });
    }
    for (const id of workers.provisionedIdsOf(functionName)) if (!wanted.has(id)) workers.unprovision(id);
  }

  /** The Active versions a configuration's environments go to; undefined while one is not Active. */
  private async allocationsOf(config: ProvisionedConcurrencyRecord): Promise<ProvisionedAllocation[] | undefined> {
    const { store } = this.deps;
    let shares: VersionShare[];
    if (/^[0-9]+$/.test(config.qualifier)) {
      shares = [{ version: config.qualifier, count: config.requested }];
    } else {
      const alias = await store.getAlias(config.functionName, config.qualifier);
      if (alias === undefined) return undefined;
      shares = splitByWeights(config.requested, alias.functionVersion, alias.additionalVersionWeights);
    }
    const allocations: ProvisionedAllocation[] = [];
    for (const share of shares) {
      const fn = await store.get(config.functionName, share.version);
      if (fn === undefined || fn.state !== 'Active') return undefined;
      allocations.push({ fn, codeDir: this.deps.codeDirFor(fn.codeSha256), count: share.count });
    }
    return allocations;
  }
}

function targetId(functionName: string, qualifier: string): string {
  return `${functionName}:${qualifier}`;
}
