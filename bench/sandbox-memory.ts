// Memory per idle warm sandbox, and how many fit in 4 GiB, from process-tree snapshots taken
// before and after the first invoke of `count` new functions. Each platform keeps its warm
// handlers in a different place, so each declares where to look.
import type { TreeMemory } from './process-tree.js';

/**
 * - `child-processes`: one runtime process (tree) per sandbox under the server (Hearth).
 * - `in-process`: handlers live inside the server process (worker threads or plain modules), so
 *   the server's own growth is what a sandbox costs (serverless-offline).
 * - `process-per-function`: each function is a whole server process (lambda-local --watch).
 * - `process-per-invocation`: a new process per invoke that exits after it, so no warm sandbox
 *   stays idle (Architect sandbox).
 */
export type MemoryModel = 'child-processes' | 'in-process' | 'process-per-function' | 'process-per-invocation';

export interface SandboxMemory {
  /** By RSS (shared pages counted in every process that maps them). */
  readonly perSandboxBytes: number | null;
  readonly fitIn4GiB: number | null;
  /** By PSS (shared pages divided among the processes that map them; what the host holds). */
  readonly perSandboxPssBytes?: number | null;
  /**
   * How many fit by PSS: the host's own count of memory in use grows by about the PSS per sandbox,
   * not the RSS (bench/probes/memory-probe.ts: 40 of Hearth's grew it 5–6 MiB each, RSS 44 MiB).
   */
  readonly fitIn4GiBPss?: number | null;
  readonly method: string;
}

const FOUR_GIB = 4 * 1024 ** 3;

/** One reading of a tree's memory, by RSS or by PSS. */
type Reading = { readonly root: number; readonly descendants: number };

export function sandboxMemory(model: MemoryModel, before: TreeMemory, after: TreeMemory, count: number): SandboxMemory {
  if (model === 'process-per-invocation')
    return {
      perSandboxBytes: null,
      fitIn4GiB: null,
      fitIn4GiBPss: null,
      method: 'no warm sandbox: a new process runs each invocation and exits',
    };
  const rss = (t: TreeMemory): Reading => ({ root: t.rootBytes, descendants: t.descendantBytes });
  const pss = (t: TreeMemory): Reading => ({ root: t.rootPssBytes, descendants: t.descendantPssBytes });
  const perSandboxBytes = perSandbox(model, rss(before), rss(after), count);
  const perSandboxPssBytes = perSandbox(model, pss(before), pss(after), count);
  const fit = (bytes: number | null): number | null => (bytes === null ? null : Math.floor(FOUR_GIB / bytes));
  return {
    perSandboxBytes,
    fitIn4GiB: fit(perSandboxBytes),
    perSandboxPssBytes,
    fitIn4GiBPss: fit(perSandboxPssBytes),
    method: METHODS[model](count),
  };
}

function perSandbox(
  model: Exclude<MemoryModel, 'process-per-invocation'>,
  before: Reading,
  after: Reading,
  count: number,
): number | null {
  const bytes =
    model === 'child-processes'
      ? after.descendants - before.descendants
      : model === 'in-process'
        ? after.root + after.descendants - before.root - before.descendants
        : after.root + after.descendants;
  return count > 0 && bytes > 0 ? bytes / count : null;
}

const METHODS: Record<Exclude<MemoryModel, 'process-per-invocation'>, (count: number) => string> = {
  'child-processes': (count) =>
    `memory of the server's child processes grew by this much per new warm sandbox (${count} sandboxes)`,
  'in-process': (count) =>
    `handlers run inside the server process; its memory grew by this much per warmed function (${count} functions)`,
  'process-per-function': (count) =>
    `one whole server process per function; memory of ${count} processes after their first invoke, divided by ${count}`,
};
