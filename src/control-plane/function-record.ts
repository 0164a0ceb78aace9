// What Hearth stores about one function version. `$LATEST` is the only version until versions
// land; the (name, version) key is already in place for them. Field names follow Lambda's
// FunctionConfiguration shape (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html)
// in camelCase; `api/` renders them in AWS's PascalCase.
import type { FunctionLayer } from './layer-record.js';

export type FunctionState = 'Pending' | 'Active' | 'Inactive' | 'Failed';
export type LastUpdateStatus = 'InProgress' | 'Successful' | 'Failed';

export interface FunctionRecord {
  readonly name: string;
  readonly version: string; // '$LATEST' or a published number
  readonly runtime: string;
  readonly handler: string;
  readonly role: string;
  readonly description: string;
  readonly memorySize: number; // MB
  readonly timeout: number; // seconds
  readonly ephemeralStorage: number; // MB
  readonly environment: Readonly<Record<string, string>>;
  readonly architectures: readonly string[];
  readonly packageType: 'Zip';
  /** Base64 SHA-256 of the zip, as Lambda reports CodeSha256. */
  readonly codeSha256: string;
  readonly codeSize: number;
  /** Changes on every code or configuration change; also the key that keeps warm sandboxes apart. */
  readonly revisionId: string;
  readonly lastModified: string; // ISO-8601 with +0000, as Lambda prints it
  readonly state: FunctionState;
  readonly stateReason?: string;
  readonly stateReasonCode?: string;
  readonly lastUpdateStatus: LastUpdateStatus;
  readonly lastUpdateStatusReason?: string;
  readonly lastUpdateStatusReasonCode?: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The layers, in the order they are merged into /opt; absent when the function has none. */
  readonly layers?: readonly FunctionLayer[];
}

/** The subset of a record that a configuration or code update may change. */
export type FunctionPatch = Partial<
  Pick<
    FunctionRecord,
    | 'runtime'
    | 'handler'
    | 'role'
    | 'description'
    | 'memorySize'
    | 'timeout'
    | 'ephemeralStorage'
    | 'environment'
    | 'architectures'
    | 'codeSha256'
    | 'codeSize'
    | 'layers'
    | 'state'
    | 'stateReason'
    | 'stateReasonCode'
    | 'lastUpdateStatus'
    | 'lastUpdateStatusReason'
    | 'lastUpdateStatusReasonCode'
  >
>;

export const LATEST = '$LATEST';

/**
 * How a FunctionPatch lands on a record; every FunctionStore backend uses it, so they agree.
 * A key present in the patch with the value `undefined` clears that (optional) field.
 */
export function patchedRecord(
  record: FunctionRecord,
  patch: FunctionPatch,
  next: { readonly revisionId: string; readonly lastModified: string },
): FunctionRecord {
  const merged: Record<string, unknown> = {
    ...record,
    ...patch,
    revisionId: next.revisionId,
    lastModified: next.lastModified,
  };
  for (const [key, value] of Object.entries(merged)) {
    if (value === undefined) delete merged[key];
  }
  return merged as unknown as FunctionRecord;
}
