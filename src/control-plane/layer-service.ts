// Layers on the control plane: PublishLayerVersion, GetLayerVersion(ByArn), ListLayers,
// ListLayerVersions and DeleteLayerVersion (https://docs.aws.amazon.com/lambda/latest/api/API_PublishLayerVersion.html).
// Layer zips go through the content-addressed code store with its safe extraction; a version
// number is never reused. Deleting a version leaves its archive in the store: functions that
// already use it keep running, as on Lambda.
import { randomUUID } from 'node:crypto';
import { errors } from '../errors/lambda-error.js';
import type { LayerStore } from '../storage/ports.js';
import { ConstraintViolations } from './constraint-violations.js';
import type { Account } from './function-name.js';
import { LAYER_NAME_PATTERN, LAYER_VERSION_ARN_PATTERN, parseLayerRef } from './layer-arn.js';
import type { PublishLayerInput } from './layer-input.js';
import type { LayerVersionRecord } from './layer-record.js';
import { formatLastModified } from './last-modified.js';
import { decodeListMarker, encodeListMarker } from './list-marker.js';
import { ARCHITECTURES } from './function-validation.js';
import { LAMBDA_RUNTIME_ENUM } from './lambda-runtime-enum.js';

/** What the code store reports for a stored layer zip; `put` throws AWS's errors for bad archives. */
export interface LayerArchives {
  put(zip: Buffer): Promise<{ codeSha256: string; codeSize: number; unzippedSize: number }>;
}

export interface LayerServiceDeps {
  readonly store: LayerStore;
  readonly code: LayerArchives;
  readonly account: Account;
  readonly now?: () => Date;
  readonly newRevisionId?: () => string;
}

export interface LayerFilter {
  readonly compatibleRuntime?: string | undefined;
  readonly compatibleArchitecture?: string | undefined;
  readonly marker?: string | undefined;
  readonly maxItems?: number | undefined;
}

export interface LayerPage<T> {
  readonly items: readonly T[];
  readonly nextMarker: string | undefined;
}

const DEFAULT_MAX_ITEMS = 50;

/** Whether a version passes ListLayers' / ListLayerVersions' CompatibleRuntime(Architecture) filter. Pure. */
export function matchesFilter(record: LayerVersionRecord, filter: LayerFilter): boolean {
  const { compatibleRuntime: runtime, compatibleArchitecture: architecture } = filter;
  if (runtime !== undefined && !record.compatibleRuntimes.includes(runtime)) return false;
  if (architecture !== undefined && !record.compatibleArchitectures.includes(architecture)) return false;
  return true;
}

export class LayerService {
  private readonly now: () => Date;
  private readonly newRevisionId: () => string;

  constructor(private readonly deps: LayerServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newRevisionId = deps.newRevisionId ?? randomUUID;
  }

  get account(): Account {
    return this.deps.account;
  }

  async publish(layerName: string, input: PublishLayerInput): Promise<LayerVersionRecord> {
    const ref = this.parseName(layerName);
    if (!ref.local) {
      throw errors.invalidParameter(`Layers can only be published in this account and region: ${layerName}`);
    }
    const code = await this.deps.code.put(input.zip);
    return this.deps.store.publishLayerVersion({
      layerName: ref.name,
      description: input.description,
      ...(input.licenseInfo !== undefined ? { licenseInfo: input.licenseInfo } : {}),
      compatibleRuntimes: input.compatibleRuntimes,
      compatibleArchitectures: input.compatibleArchitectures,
      codeSha256: code.codeSha256,
      codeSize: code.codeSize,
      unzippedSize: code.unzippedSize,
      createdDate: formatLastModified(this.now()),
      policy: { revisionId: this.newRevisionId(), statements: [] },
    });
  }

  /** GetLayerVersion: 404 when the layer version does not exist. */
  async get(layerName: string, version: number): Promise<LayerVersionRecord> {
    const ref = this.parseName(layerName);
    const record = ref.local ? await this.deps.store.getLayerVersion(ref.name, version) : undefined;
    if (!record) throw errors.layerResourceNotFound();
    return record;
  }

  async getByArn(arn: string): Promise<LayerVersionRecord> {
    const ref = parseLayerRef(arn, this.deps.account, { bareName: false, version: 'required' });
    if (ref === undefined) {
      throw errors.constraint(
        arn,
        'arn',
        `Member must satisfy regular expression pattern: ${LAYER_VERSION_ARN_PATTERN}`,
      );
    }
    const record = ref.local ? await this.deps.store.getLayerVersion(ref.name, ref.version ?? 0) : undefined;
    if (!record) throw errors.layerResourceNotFound();
    return record;
  }

  /** ListLayers: each layer with its latest version that passes the filter; layers by name. */
  async list(filter: LayerFilter): Promise<LayerPage<LayerVersionRecord>> {
    const limit = this.checkFilter(filter);
    let after = filter.marker === undefined || filter.marker === '' ? undefined : decodeListMarker(filter.marker);
    const items: LayerVersionRecord[] = [];
    for (;;) {
      const names = await this.deps.store.listLayerNames(after, limit + 1);
      for (const name of names) {
        const latest = await this.latestMatching(name, filter);
        if (latest === undefined) continue;
        if (items.length === limit) {
          const last = items[items.length - 1];
          return { items, nextMarker: last && encodeListMarker(last.layerName) };
        }
        items.push(latest);
      }
      if (names.length <= limit) return { items, nextMarker: undefined };
      after = names[names.length - 1];
    }
  }

  /** ListLayerVersions: newest first; a layer that does not exist lists nothing. */
  async listVersions(layerName: string, filter: LayerFilter): Promise<LayerPage<LayerVersionRecord>> {
    const limit = this.checkFilter(filter);
    const ref = this.parseName(layerName);
    if (!ref.local) return { items: [], nextMarker: undefined };
    let below: number | undefined;
    if (filter.marker !== undefined && filter.marker !== '') {
      below = Number(decodeListMarker(filter.marker));
      if (!Number.isSafeInteger(below)) throw errors.invalidParameter(`Invalid Marker: ${filter.marker}`);
    }
    const items: LayerVersionRecord[] = [];
    for (;;) {
      const page = await this.deps.store.listLayerVersions(ref.name, below, limit + 1);
      for (const record of page) {
        if (!matchesFilter(record, filter)) continue;
        if (items.length === limit) {
          const last = items[items.length - 1];
          return { items, nextMarker: last && encodeListMarker(String(last.version)) };
        }
        items.push(record);
      }
      if (page.length <= limit) return { items, nextMarker: undefined };
      below = page[page.length - 1]?.version;
    }
  }

  /** DeleteLayerVersion: idempotent (204 also for a version that does not exist, as on AWS). */
  async delete(layerName: string, version: number): Promise<void> {
    const ref = this.parseName(layerName);
    if (ref.local) await this.deps.store.deleteLayerVersion(ref.name, version);
  }

  /** The newest version of `name` that passes `filter`, if any. */
  async latestMatching(name: string, filter: LayerFilter = {}): Promise<LayerVersionRecord | undefined> {
    let below: number | undefined;
    for (;;) {
      const page = await this.deps.store.listLayerVersions(name, below, 50);
      const found = page.find((record) => matchesFilter(record, filter));
      if (found !== undefined || page.length < 50) return found;
      below = page[page.length - 1]?.version;
    }
  }

  private parseName(layerName: string) {
    const ref = parseLayerRef(layerName, this.deps.account, { bareName: true, version: 'never' });
    if (ref === undefined) {
      const v = new ConstraintViolations();
      v.length(layerName, 'layerName', 1, 140);
      v.pattern(layerName, 'layerName', LAYER_NAME_PATTERN);
      v.throwIfAny();
      throw errors.constraint(
        layerName,
        'layerName',
        `Member must satisfy regular expression pattern: ${LAYER_NAME_PATTERN}`,
      );
    }
    return ref;
  }

  private checkFilter(filter: LayerFilter): number {
    const v = new ConstraintViolations();
    v.enumValue(filter.compatibleRuntime, 'compatibleRuntime', LAMBDA_RUNTIME_ENUM);
    v.enumValue(filter.compatibleArchitecture, 'compatibleArchitecture', ARCHITECTURES);
    v.range(filter.maxItems, 'maxItems', 1, 50);
    v.throwIfAny();
    return filter.maxItems ?? DEFAULT_MAX_ITEMS;
  }
}
