// ListFunctions with FunctionVersion=ALL: each function's $LATEST followed by its published
// versions in ascending order, functions by name. The marker names the last entry returned
// (function and version), so a page can end in the middle of a function's versions.
import type { FunctionStore } from '../storage/ports.js';
import { LATEST, type FunctionRecord } from './function-record.js';
import { decodeListMarker, encodeListMarker } from './list-marker.js';

const SEPARATOR = '\n';

export interface VersionsPage {
  readonly functions: readonly FunctionRecord[];
  readonly nextMarker: string | undefined;
}

export async function listAllVersions(
  store: FunctionStore,
  marker: string | undefined,
  limit: number,
): Promise<VersionsPage> {
  const entries: FunctionRecord[] = [];
  const wanted = limit + 1; // one more than a page tells whether there is a next page
  let afterName: string | undefined;
  if (marker !== undefined && marker !== '') {
    const [name = '', version = LATEST] = decodeListMarker(marker).split(SEPARATOR);
    afterName = name;
    const afterVersion = version === LATEST ? 0 : Number(version);
    entries.push(...(await store.listVersions(name, afterVersion, wanted)));
  }
  while (entries.length < wanted) {
    const batch = await store.list(afterName, wanted);
    for (const latest of batch) {
      if (entries.length >= wanted) break;
      entries.push(latest);
      entries.push(...(await store.listVersions(latest.name, 0, wanted - entries.length)));
    }
    if (batch.length < wanted) break;
    afterName = batch[batch.length - 1]?.name;
  }
  const functions = entries.slice(0, limit);
  const last = functions[functions.length - 1];
  const nextMarker =
    entries.length > limit && last !== undefined
      ? encodeListMarker(`${last.name}${SEPARATOR}${last.version}`)
      : undefined;
  return { functions, nextMarker };
}
