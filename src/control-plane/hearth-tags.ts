// Hearth's own per-function settings, carried as tags (docs/tags.md): what Lambda users keep asking
// for and Lambda does not offer. Tags belong to the function (every version sees the current ones),
// so changing one retires the function's warm sandboxes and the next invoke starts with it.
//   hearth:timeout=none      no Timeout for synchronous invokes: the caller's connection bounds the run
//   hearth:memory-burst=MB   the sandbox's memory limit is MB instead of MemorySize
//   hearth:network=internet  outbound internet (isolated sandboxes have none by default)
// Values are checked at CreateFunction and TagResource; an unknown `hearth:` key is an error, so a
// typo does not silently do nothing.

import { errors } from '../errors/lambda-error.js';

export const HEARTH_TAG_PREFIX = 'hearth:';
export const TIMEOUT_TAG = 'hearth:timeout';
export const MEMORY_BURST_TAG = 'hearth:memory-burst';
export const NETWORK_TAG = 'hearth:network';
const KNOWN_TAGS = [TIMEOUT_TAG, MEMORY_BURST_TAG, NETWORK_TAG];
/** Lambda's largest MemorySize; a burst cannot go past it. */
export const MAX_MEMORY_BURST_MB = 10_240;

export interface HearthTagSettings {
  /** hearth:timeout=none: synchronous invokes run until the function returns or the caller leaves. */
  readonly unboundedTimeout: boolean;
  /** hearth:memory-burst: the sandbox's memory limit in MB (above MemorySize); undefined: MemorySize. */
  readonly memoryBurstMb: number | undefined;
  /** hearth:network=internet: outbound internet, the host and private networks still unreachable. */
  readonly internet: boolean;
}

export type HearthTagsParse =
  { readonly ok: true; readonly settings: HearthTagSettings } | { readonly ok: false; readonly message: string };

/** Reads and checks the `hearth:` tags of a function of the given MemorySize. */
export function parseHearthTags(tags: Readonly<Record<string, string>>, memorySizeMb: number): HearthTagsParse {
  let unboundedTimeout = false;
  let memoryBurstMb: number | undefined;
  let internet = false;
  for (const [key, value] of Object.entries(tags)) {
    if (!key.startsWith(HEARTH_TAG_PREFIX)) continue;
    switch (key) {
      case TIMEOUT_TAG:
        if (value !== 'none')
          return fail(`Tag ${TIMEOUT_TAG} must be 'none' (untag it to use the function's Timeout); got '${value}'.`);
        unboundedTimeout = true;
        break;
      case MEMORY_BURST_TAG: {
        const mb = /^[1-9][0-9]{0,5}$/.test(value) ? Number(value) : NaN;
        if (!(mb >= memorySizeMb && mb <= MAX_MEMORY_BURST_MB))
          return fail(
            `Tag ${MEMORY_BURST_TAG} must be a whole number of MB from the function's MemorySize (${memorySizeMb}) to ${MAX_MEMORY_BURST_MB}; got '${value}'.`,
          );
        memoryBurstMb = mb > memorySizeMb ? mb : undefined;
        break;
      }
      case NETWORK_TAG:
        if (value !== 'internet' && value !== 'none')
          return fail(`Tag ${NETWORK_TAG} must be 'internet' or 'none'; got '${value}'.`);
        internet = value === 'internet';
        break;
      default:
        return fail(`Unknown Hearth tag '${key}'. Hearth's tags are ${KNOWN_TAGS.join(', ')}.`);
    }
  }
  return { ok: true, settings: { unboundedTimeout, memoryBurstMb, internet } };
}

/** parseHearthTags as a check: InvalidParameterValueException with the message when it fails. */
export function checkHearthTags(tags: Readonly<Record<string, string>>, memorySizeMb: number): void {
  const parsed = parseHearthTags(tags, memorySizeMb);
  if (!parsed.ok) throw errors.invalidParameter(parsed.message);
}

/**
 * The settings a sandbox of this function gets. Lenient: a burst that MemorySize has since caught
 * up with (UpdateFunctionConfiguration) is no burst, and a tag that no longer parses is ignored.
 */
export function hearthTagSettings(tags: Readonly<Record<string, string>>, memorySizeMb: number): HearthTagSettings {
  const timeout = tags[TIMEOUT_TAG] === 'none';
  const burst = Number(tags[MEMORY_BURST_TAG]);
  return {
    unboundedTimeout: timeout,
    memoryBurstMb: Number.isInteger(burst) && burst > memorySizeMb && burst <= MAX_MEMORY_BURST_MB ? burst : undefined,
    internet: tags[NETWORK_TAG] === 'internet',
  };
}

/** True when a tag change touches Hearth's settings (the function's warm sandboxes must go). */
export function touchesHearthTags(keys: Iterable<string>): boolean {
  for (const key of keys) if (key.startsWith(HEARTH_TAG_PREFIX)) return true;
  return false;
}

function fail(message: string): HearthTagsParse {
  return { ok: false, message };
}
