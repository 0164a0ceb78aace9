// Published versions: PublishVersion, ListVersionsByFunction and the version half of DeleteFunction.
// A version is a frozen copy of `$LATEST` (code and configuration) numbered 1, 2, …; numbers are
// never reused. Publishing when nothing changed since the last version returns that version, as
// Lambda does (https://docs.aws.amazon.com/lambda/latest/api/API_PublishVersion.html).
import { errors } from '../errors/lambda-error.js';
import type { FunctionStore } from '../storage/ports.js';
import { functionArn, parseFunctionName, type Account } from './function-name.js';
import { LATEST, type FunctionRecord } from './function-record.js';
import { formatLastModified } from './last-modified.js';
import { decodeListMarker, encodeListMarker } from './list-marker.js';

export interface PublishInput {
  readonly codeSha256?: string | undefined;
  readonly description?: string | undefined;
  readonly revisionId?: string | undefined;
}

export interface VersionServiceDeps {
  readonly store: FunctionStore;
  readonly account: Account;
  readonly now: () => Date;
  readonly newRevisionId: () => string;
  /** Starts the activation of a version published while `$LATEST` was still Pending / InProgress. */
  readonly activate: (record: FunctionRecord) => void;
  /**
   * What a version freezes of `$LATEST`: layers named without a version are resolved again to
   * their latest versions and checked (docs/layers.md). Default: `$LATEST` as it is.
   */
  readonly freeze?: (latest: FunctionRecord) => Promise<FunctionRecord>;
  readonly onChanged?: ((name: string) => void) | undefined;
}

export interface VersionPage {
  readonly versions: readonly FunctionRecord[];
  readonly nextMarker: string | undefined;
}

/** The fields that make a version what it is; a publish with all of them unchanged is a no-op. */
const CONTENT_FIELDS = [
  'runtime',
  'handler',
  'role',
  'memorySize',
  'timeout',
  'ephemeralStorage',
  'environment',
  'architectures',
  'packageType',
  'codeSha256',
  'layers',
] as const satisfies readonly (keyof FunctionRecord)[];

/** Whether `latest` has the same code and configuration as an already published version. Pure. */
export function samePublishedContent(version: FunctionRecord, latest: FunctionRecord): boolean {
  return CONTENT_FIELDS.every((field) => JSON.stringify(version[field]) === JSON.stringify(latest[field]));
}

export class VersionService {
  constructor(private readonly deps: VersionServiceDeps) {}

  async publish(functionName: string, input: PublishInput): Promise<FunctionRecord> {
    const { store, account } = this.deps;
    const ref = parseFunctionName(functionName, undefined, account);
    const arn = functionArn(account, ref.name);
    if (ref.qualifier !== undefined && ref.qualifier !== LATEST) {
      throw errors.functionNotFound(functionArn(account, ref.name, ref.qualifier));
    }
    const latest = await store.get(ref.name, LATEST);
    if (!latest) throw errors.functionNotFound(arn);
    if (input.codeSha256 !== undefined && input.codeSha256 !== latest.codeSha256) {
      throw errors.codeShaMismatch(input.codeSha256, latest.codeSha256);
    }
    if (input.revisionId !== undefined && input.revisionId !== latest.revisionId) throw errors.revisionMismatch();
    if (latest.lastUpdateStatus === 'InProgress') throw errors.updateInProgress(arn);
    const frozen = await this.freeze(latest);
    const last = await store.lastVersion(ref.name);
    if (last && samePublishedContent(last, frozen)) return last;
    return this.insert(frozen, input.description);
  }

  /** Freezes `latest` as the next version (also used by `Publish: true` on create and code update). */
  async publishFrom(latest: FunctionRecord, description?: string): Promise<FunctionRecord> {
    return this.insert(await this.freeze(latest), description);
  }

  private freeze(latest: FunctionRecord): Promise<FunctionRecord> {
    return this.deps.freeze === undefined ? Promise.resolve(latest) : this.deps.freeze(latest);
  }

  private async insert(latest: FunctionRecord, description: string | undefined): Promise<FunctionRecord> {
    const { version: _latest, ...content } = latest;
    const published = await this.deps.store.insertNextVersion({
      ...content,
      description: description ?? latest.description,
      revisionId: this.deps.newRevisionId(),
      lastModified: formatLastModified(this.deps.now()),
    });
    if (!published) throw errors.functionNotFound(functionArn(this.deps.account, latest.name));
    if (published.lastUpdateStatus === 'InProgress') this.deps.activate(published);
    this.deps.onChanged?.(published.name);
    return published;
  }

  /** ListVersionsByFunction: `$LATEST` first, then the published versions in order. */
  async list(functionName: string, options: { marker?: string | undefined; maxItems?: number | undefined }) {
    const { store, account } = this.deps;
    const ref = parseFunctionName(functionName, undefined, account);
    const limit = options.maxItems ?? 50;
    if (limit < 1 || limit > 10000) {
      const bound = limit < 1 ? 'greater than or equal to 1' : 'less than or equal to 10000';
      throw errors.constraint(String(limit), 'maxItems', `Member must have value ${bound}`);
    }
    const latest = await store.get(ref.name, LATEST);
    if (!latest) throw errors.functionNotFound(functionArn(account, ref.name));
    const after = options.marker === undefined || options.marker === '' ? undefined : decodeListMarker(options.marker);
    const afterNumber = after === undefined || after === LATEST ? 0 : Number(after);
    if (!Number.isSafeInteger(afterNumber)) throw errors.invalidParameter(`Invalid Marker: ${options.marker}`);
    const head = after === undefined ? [latest] : [];
    const page = [...head, ...(await store.listVersions(ref.name, afterNumber, limit + 1 - head.length))];
    const versions = page.slice(0, limit);
    const last = versions[versions.length - 1];
    const nextMarker = page.length > limit && last ? encodeListMarker(last.version) : undefined;
    return { versions, nextMarker } satisfies VersionPage;
  }

  /** DeleteFunction with a version number as Qualifier: that version only, unless an alias uses it. */
  async delete(name: string, version: string): Promise<void> {
    const { store, account } = this.deps;
    if (version === LATEST) throw errors.latestNotDeletable();
    if (!/^[0-9]+$/.test(version)) throw errors.aliasDeletionUnsupported();
    const users: string[] = [];
    for (const alias of await store.listAliases(name, undefined, 10_000)) {
      if (alias.functionVersion === version || version in alias.additionalVersionWeights) users.push(alias.name);
    }
    if (users.length > 0) throw errors.versionInUse(version, users);
    if (!(await store.deleteVersion(name, version))) throw errors.functionNotFound(functionArn(account, name, version));
    this.deps.onChanged?.(name);
  }
}
