// Functions' life on the control plane: create, read, list, update code or configuration, delete.
// Writes are compare-and-swaps on the RevisionId, so exactly one of two racing updates wins; every
// write that changes code or configuration mints a new RevisionId (warm sandboxes are keyed on it).
// Create and update answer at once with Pending / InProgress and leave the rest to the activator,
// as Lambda does (https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html).
import { randomUUID } from 'node:crypto';
import { errors } from '../errors/lambda-error.js';
import type { FunctionStore } from '../storage/ports.js';
import { ACCOUNT_LIMIT, measureAccountUsage, type AccountLimit, type AccountUsage } from './account-usage.js';
import { AliasService } from './alias-service.js';
import {
  ConcurrencyService,
  DEFAULT_CONCURRENCY_LIMITS,
  type AccountConcurrencyLimits,
} from './concurrency-service.js';
import { FunctionActivator, type RuntimeCheck } from './function-activator.js';
import type { CreateFunctionInput, UpdateCodeInput, UpdateConfigurationInput } from './function-input.js';
import { functionArn, parseFunctionName, type Account, type FunctionRef } from './function-name.js';
import { LATEST, type FunctionPatch, type FunctionRecord } from './function-record.js';
import { validateCodeUpdate, validateConfigurationUpdate, validateCreate } from './function-validation.js';
import { formatLastModified } from './last-modified.js';
import type { FunctionLayer } from './layer-record.js';
import type { LayerResolver } from './layer-resolver.js';
import { layerProblem } from './layer-rules.js';
import { listAllVersions } from './list-all-versions.js';
import { decodeListMarker, encodeListMarker } from './list-marker.js';
import { ProvisionedConcurrencyService } from './provisioned-concurrency-service.js';
import type { Provisioning } from './provisioning.js';
import { TagService } from './tag-service.js';
import { VersionService } from './version-service.js';

/** What the code store reports for a stored zip. */
export interface StoredCode {
  /** Base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  readonly codeSha256: string;
  readonly codeSize: number;
  /** Bytes of the extracted files, when the store knows them. */
  readonly unzippedSize?: number;
}

/** The part of the code store the service needs; `put` throws AWS's errors for bad archives. */
export interface CodeArchives {
  put(zip: Buffer): Promise<StoredCode>;
  /** Bytes of the extracted files of a stored archive (counted with layers against 250 MB). */
  unzippedSize?(codeSha256: string): Promise<number>;
}

export interface FunctionServiceDeps {
  readonly store: FunctionStore;
  readonly code: CodeArchives;
  readonly account: Account;
  /** The runtimes this Hearth can run (runtimes/runtime-catalog.ts SUPPORTED_RUNTIMES). */
  readonly supportedRuntimes: readonly string[];
  /** Whether a runtime can really be launched on this host; run after each create or update. */
  readonly checkRuntime: RuntimeCheck;
  /** Resolves the `Layers` of functions; without it, functions cannot have layers. */
  readonly layers?: LayerResolver;
  /** Run by the activation after the runtime check (e.g. unpack the merged layers); throws on failure. */
  readonly prepare?: (record: FunctionRecord) => Promise<void>;
  /** Called whenever a function's record changed (created, updated, activated). */
  readonly onChanged?: (name: string) => void;
  /**
   * Called when only what routes or admits invocations changed (aliases, reserved concurrency),
   * not the code or configuration of a version: the front end re-reads, warm sandboxes stay.
   * Defaults to `onChanged`.
   */
  readonly onRoutingChanged?: (name: string) => void;
  /** The account's concurrency limit and unreserved minimum; default 1,000 and 100. */
  readonly concurrencyLimits?: AccountConcurrencyLimits;
  /** Keeps provisioned concurrency running; told after every change to a function, alias or configuration. */
  readonly provisioning?: Provisioning;
  /** Called after a function is deleted (stop its warm sandboxes, drop its logs). */
  readonly onDeleted?: (name: string) => Promise<void> | void;
  /** Where failures of the background activation are reported; default stderr. */
  readonly log?: (line: string) => void;
  readonly now?: () => Date;
  readonly newRevisionId?: () => string;
}

export interface FunctionPage {
  readonly functions: readonly FunctionRecord[];
  readonly nextMarker: string | undefined;
}

export const DEFAULT_LIST_ITEMS = 50;

/** A record and the qualifier it was asked for by (an alias name shows in the ARN). */
export interface ResolvedFunction {
  readonly record: FunctionRecord;
  readonly qualifier: string | undefined;
}

export class FunctionService {
  readonly tags: TagService;
  readonly versions: VersionService;
  readonly aliases: AliasService;
  readonly concurrency: ConcurrencyService;
  readonly provisioned: ProvisionedConcurrencyService;
  private readonly activator: FunctionActivator;
  /** deps.onChanged, then provisioned concurrency re-applied (a version may have become Active). */
  private readonly changed: (name: string) => void;
  private readonly now: () => Date;
  private readonly newRevisionId: () => string;

  constructor(private readonly deps: FunctionServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newRevisionId = deps.newRevisionId ?? randomUUID;
    const log = deps.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
    this.changed = (name) => {
      deps.onChanged?.(name);
      deps.provisioning?.reconcile(name);
    };
    this.activator = new FunctionActivator({
      store: deps.store,
      checkRuntime: deps.checkRuntime,
      ...(deps.prepare !== undefined ? { prepare: deps.prepare } : {}),
      newRevisionId: this.newRevisionId,
      onActivated: (record) => this.changed(record.name),
      onError: (error, record) =>
        log(
          `hearth: activating function ${record.name} failed: ${error instanceof Error ? error.stack : String(error)}`,
        ),
    });
    this.tags = new TagService({ store: deps.store, account: deps.account, onChanged: this.changed });
    const common = { store: deps.store, account: deps.account, newRevisionId: this.newRevisionId };
    const routingChanged = deps.onRoutingChanged ?? deps.onChanged;
    const onRoutingChanged = (name: string): void => {
      routingChanged?.(name);
      deps.provisioning?.reconcile(name); // an alias with provisioned concurrency may have moved
    };
    const limits = deps.concurrencyLimits ?? DEFAULT_CONCURRENCY_LIMITS;
    this.versions = new VersionService({
      ...common,
      now: this.now,
      activate: (record) => this.activator.schedule(record),
      freeze: (latest) => this.freezeLayers(latest),
      onChanged: this.changed,
    });
    this.aliases = new AliasService({ ...common, onChanged: onRoutingChanged });
    this.concurrency = new ConcurrencyService({ ...common, limits, onChanged: routingChanged });
    this.provisioned = new ProvisionedConcurrencyService({
      ...common,
      limits,
      now: this.now,
      provisioning: deps.provisioning,
      onChanged: routingChanged,
    });
  }

  get account(): Account {
    return this.deps.account;
  }

  /** Resolves once every background activation started so far has finished (tests, shutdown). */
  settled(): Promise<void> {
    return this.activator.settled();
  }

  /** Re-runs the activation of functions a stop left InProgress; call once at start-up. */
  resumePending(): Promise<number> {
    return this.activator.resumePending();
  }

  /** GetAccountSettings' answer. */
  async accountSettings(): Promise<{ AccountLimit: AccountLimit; AccountUsage: AccountUsage }> {
    const limit: AccountLimit = {
      ...ACCOUNT_LIMIT,
      ConcurrentExecutions: this.concurrency.limits.accountConcurrency,
      UnreservedConcurrentExecutions: await this.concurrency.unreserved(),
    };
    return { AccountLimit: limit, AccountUsage: await measureAccountUsage(this.deps.store) };
  }

  async create(input: CreateFunctionInput): Promise<FunctionRecord> {
    const spec = validateCreate(input, this.deps);
    // Cheap early answer; the insert below is the authoritative duplicate check.
    if (await this.deps.store.get(spec.name, LATEST)) throw errors.functionExists(spec.name);
    const layers = await this.resolveLayers(spec.layers);
    const code = await this.deps.code.put(spec.zip);
    await this.checkLayers(layers, { ...spec, codeSha256: code.codeSha256 }, code.unzippedSize);
    const record: FunctionRecord = {
      name: spec.name,
      version: LATEST,
      runtime: spec.runtime,
      handler: spec.handler,
      role: spec.role,
      description: spec.description,
      memorySize: spec.memorySize,
      timeout: spec.timeout,
      ephemeralStorage: spec.ephemeralStorage,
      environment: spec.environment,
      architectures: spec.architectures,
      packageType: 'Zip',
      codeSha256: code.codeSha256,
      codeSize: code.codeSize,
      revisionId: this.newRevisionId(),
      lastModified: formatLastModified(this.now()),
      state: 'Pending',
      stateReason: 'The function is being created.',
      stateReasonCode: 'Creating',
      lastUpdateStatus: 'InProgress',
      tags: spec.tags,
      ...(layers.length > 0 ? { layers } : {}),
    };
    if (!(await this.deps.store.insert(record))) throw errors.functionExists(spec.name);
    this.changed(record.name);
    this.activator.schedule(record);
    // With Publish, AWS answers with version 1's configuration (CreateFunction reference).
    return spec.publish ? this.versions.publishFrom(record) : record;
  }

  /** GetFunction / GetFunctionConfiguration: `$LATEST` unless a qualifier is given. */
  async get(functionName: string, qualifier?: string): Promise<FunctionRecord> {
    return (await this.resolve(functionName, qualifier)).record;
  }

  /** The record a name and qualifier (`$LATEST`, a version number or an alias) stand for. */
  async resolve(functionName: string, qualifier?: string): Promise<ResolvedFunction> {
    const ref = this.parse(functionName, qualifier);
    const { store, account } = this.deps;
    const notFound = () => errors.functionNotFound(functionArn(account, ref.name, ref.qualifier));
    let version = ref.qualifier ?? LATEST;
    if (version !== LATEST && !/^[0-9]+$/.test(version)) {
      const alias = await store.getAlias(ref.name, version);
      if (!alias) throw notFound();
      version = alias.functionVersion;
    }
    const record = await store.get(ref.name, version);
    if (!record) throw notFound();
    return { record, qualifier: ref.qualifier };
  }

  /** ListFunctions; `allVersions` (FunctionVersion=ALL) adds every published version after its $LATEST. */
  async list(
    options: { marker?: string | undefined; maxItems?: number | undefined; allVersions?: boolean } = {},
  ): Promise<FunctionPage> {
    const limit = options.maxItems ?? DEFAULT_LIST_ITEMS;
    if (limit < 1 || limit > 10000) {
      const bound = limit < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000';
      throw errors.constraint(String(limit), 'maxItems', `Member must have value ${bound}`);
    }
    if (options.allVersions === true) return listAllVersions(this.deps.store, options.marker, limit);
    const after = options.marker === undefined || options.marker === '' ? undefined : decodeListMarker(options.marker);
    const page = await this.deps.store.list(after, limit + 1);
    const functions = page.slice(0, limit);
    const last = functions[functions.length - 1];
    const nextMarker = page.length > limit && last ? encodeListMarker(last.name) : undefined;
    return { functions, nextMarker };
  }

  async updateConfiguration(functionName: string, input: UpdateConfigurationInput): Promise<FunctionRecord> {
    const patch = validateConfigurationUpdate(input, this.deps);
    const current = await this.getLatestForUpdate(functionName, input.revisionId);
    if (input.layers === undefined && patch.runtime === undefined) return this.write(current, patch);
    // New layers are resolved (unversioned ones to their latest version) and checked; a new
    // runtime is checked against the layers the function keeps.
    const layers = input.layers === undefined ? (current.layers ?? []) : await this.resolveLayers(input.layers);
    await this.checkLayers(layers, { ...current, runtime: patch.runtime ?? current.runtime });
    if (input.layers === undefined) return this.write(current, patch);
    return this.write(current, { ...patch, layers: layers.length > 0 ? layers : undefined });
  }

  /** UpdateFunctionCode; with DryRun the request is checked and nothing changes. */
  async updateCode(functionName: string, input: UpdateCodeInput): Promise<FunctionRecord> {
    const update = validateCodeUpdate(input);
    const current = await this.getLatestForUpdate(functionName, input.revisionId);
    if (input.dryRun === true) return current;
    const code = await this.deps.code.put(update.zip);
    const architectures = update.architectures ?? current.architectures;
    await this.checkLayers(
      current.layers ?? [],
      { ...current, architectures, codeSha256: code.codeSha256 },
      code.unzippedSize,
    );
    const patch: FunctionPatch = { codeSha256: code.codeSha256, codeSize: code.codeSize };
    const updated = await this.write(
      current,
      update.architectures ? { ...patch, architectures: update.architectures } : patch,
    );
    // With Publish, AWS answers with the new version's configuration (UpdateFunctionCode reference).
    return update.publish ? this.versions.publishFrom(updated) : updated;
  }

  /** DeleteFunction: the whole function, or with a version number as qualifier that version only. */
  async delete(functionName: string, qualifier?: string): Promise<void> {
    const ref = this.parse(functionName, qualifier);
    if (ref.qualifier !== undefined) return this.versions.delete(ref.name, ref.qualifier);
    if (!(await this.deps.store.delete(ref.name))) {
      throw errors.functionNotFound(functionArn(this.deps.account, ref.name));
    }
    await this.deps.onDeleted?.(ref.name);
    this.deps.provisioning?.reconcile(ref.name);
  }

  private async resolveLayers(references: readonly string[]): Promise<FunctionLayer[]> {
    if (references.length === 0) return [];
    if (this.deps.layers === undefined) throw errors.invalidParameter('This Hearth runs functions without layers.');
    return this.deps.layers.resolve(references);
  }

  /** Throws the first problem of running `layers` with this runtime, architecture and code. */
  private async checkLayers(
    layers: readonly FunctionLayer[],
    fn: { readonly runtime: string; readonly architectures: readonly string[]; readonly codeSha256: string },
    unzippedSize?: number,
  ): Promise<void> {
    if (layers.length === 0) return;
    const codeBytes = unzippedSize ?? (await this.deps.code.unzippedSize?.(fn.codeSha256)) ?? 0;
    const problem = layerProblem(layers, { ...fn, unzippedSize: codeBytes });
    if (problem !== undefined) throw problem;
  }

  /** What a published version freezes: unversioned layers resolved again, then checked. */
  private async freezeLayers(latest: FunctionRecord): Promise<FunctionRecord> {
    if (latest.layers === undefined || !latest.layers.some((layer) => layer.floating !== undefined)) return latest;
    if (this.deps.layers === undefined) return latest;
    const layers = await this.deps.layers.refresh(latest.layers);
    await this.checkLayers(layers, latest);
    return { ...latest, layers };
  }

  private parse(functionName: string, qualifier: string | undefined): FunctionRef {
    return parseFunctionName(functionName, qualifier, this.deps.account);
  }

  /** Reads `$LATEST` for an update and applies the RevisionId precondition and the one-update-at-a-time rule. */
  private async getLatestForUpdate(functionName: string, revisionId: string | undefined): Promise<FunctionRecord> {
    const ref = this.parse(functionName, undefined);
    const arn = functionArn(this.deps.account, ref.name);
    if (ref.qualifier !== undefined && ref.qualifier !== LATEST) {
      throw errors.functionNotFound(functionArn(this.deps.account, ref.name, ref.qualifier));
    }
    const current = await this.deps.store.get(ref.name, LATEST);
    if (!current) throw errors.functionNotFound(arn);
    if (revisionId !== undefined && revisionId !== current.revisionId) throw errors.revisionMismatch();
    if (current.lastUpdateStatus === 'InProgress') throw errors.updateInProgress(arn);
    return current;
  }

  private async write(current: FunctionRecord, patch: FunctionPatch): Promise<FunctionRecord> {
    const full: FunctionPatch = {
      ...patch,
      lastUpdateStatus: 'InProgress',
      lastUpdateStatusReason: undefined,
      lastUpdateStatusReasonCode: undefined,
    };
    const next = { revisionId: this.newRevisionId(), lastModified: formatLastModified(this.now()) };
    const updated = await this.deps.store.update(current.name, LATEST, current.revisionId, full, next);
    if (!updated) {
      // Someone else wrote (or deleted) the function between our read and our write.
      const arn = functionArn(this.deps.account, current.name);
      if (!(await this.deps.store.get(current.name, LATEST))) throw errors.functionNotFound(arn);
      throw errors.updateInProgress(arn);
    }
    this.changed(updated.name);
    this.activator.schedule(updated);
    return updated;
  }
}
