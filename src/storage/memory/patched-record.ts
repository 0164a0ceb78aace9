// How a FunctionPatch lands on a record; shared by every FunctionStore backend so they agree.
// A key present in the patch with the value `undefined` clears that (optional) field.
import type { FunctionPatch, FunctionRecord } from '../../control-plane/function-record.js';

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
