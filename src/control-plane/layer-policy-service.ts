// A layer version's resource-based policy: AddLayerVersionPermission, RemoveLayerVersionPermission
// and GetLayerVersionPolicy (https://docs.aws.amazon.com/lambda/latest/api/API_AddLayerVersionPermission.html).
// Hearth has one account, so the policy is stored and shown but grants nothing more; every change
// is a compare-and-swap on the policy's RevisionId.
import { randomUUID } from 'node:crypto';
import { errors } from '../errors/lambda-error.js';
import type { LayerStore } from '../storage/ports.js';
import type { Account } from './function-name.js';
import { layerVersionArn } from './layer-arn.js';
import type { LayerPermissionInput } from './layer-input.js';
import type { LayerStatement, LayerVersionRecord } from './layer-record.js';
import type { LayerService } from './layer-service.js';
import { renderPolicy, renderStatement } from './layer-view.js';

export interface LayerPolicyServiceDeps {
  readonly store: LayerStore;
  readonly layers: LayerService;
  readonly account: Account;
  readonly newRevisionId?: () => string;
}

export class LayerPolicyService {
  private readonly newRevisionId: () => string;

  constructor(private readonly deps: LayerPolicyServiceDeps) {
    this.newRevisionId = deps.newRevisionId ?? randomUUID;
  }

  async add(
    layerName: string,
    version: number,
    input: LayerPermissionInput,
    revisionId: string | undefined,
  ): Promise<{ statement: string; revisionId: string }> {
    const record = await this.current(layerName, version, revisionId);
    if (record.policy.statements.some((s) => s.sid === input.statementId)) {
      throw errors.statementExists(input.statementId);
    }
    const statement: LayerStatement = {
      sid: input.statementId,
      action: input.action,
      principal: input.principal,
      ...(input.organizationId !== undefined ? { organizationId: input.organizationId } : {}),
    };
    const next = await this.swap(record, [...record.policy.statements, statement]);
    return { statement: JSON.stringify(renderStatement(statement, this.arnOf(record))), revisionId: next };
  }

  async remove(layerName: string, version: number, sid: string, revisionId: string | undefined): Promise<void> {
    const record = await this.current(layerName, version, revisionId);
    const kept = record.policy.statements.filter((s) => s.sid !== sid);
    if (kept.length === record.policy.statements.length) throw errors.statementNotFound(sid);
    await this.swap(record, kept);
  }

  async get(layerName: string, version: number): Promise<{ policy: string; revisionId: string }> {
    const record = await this.deps.layers.get(layerName, version);
    if (record.policy.statements.length === 0) throw errors.noPolicy();
    return { policy: renderPolicy(record.policy.statements, this.arnOf(record)), revisionId: record.policy.revisionId };
  }

  private async current(layerName: string, version: number, revisionId: string | undefined) {
    const record = await this.deps.layers.get(layerName, version);
    if (revisionId !== undefined && revisionId !== record.policy.revisionId) {
      throw errors.layerPolicyRevisionMismatch();
    }
    return record;
  }

  /** Writes the new statements; a concurrent change in between is 412, as a stale RevisionId would be. */
  private async swap(record: LayerVersionRecord, statements: readonly LayerStatement[]): Promise<string> {
    const revisionId = this.newRevisionId();
    const swapped = await this.deps.store.replaceLayerPolicy(
      record.layerName,
      record.version,
      record.policy.revisionId,
      {
        revisionId,
        statements,
      },
    );
    if (!swapped) {
      if (!(await this.deps.store.getLayerVersion(record.layerName, record.version))) {
        throw errors.layerResourceNotFound();
      }
      throw errors.layerPolicyRevisionMismatch();
    }
    return revisionId;
  }

  private arnOf(record: LayerVersionRecord): string {
    return layerVersionArn(this.deps.account, record.layerName, record.version);
  }
}
