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
  readonly perSandboxBytes: number | null;
  readonly fitIn4GiB: number | null;
  readonly method: string;
}

const FOUR_GIB = 4 * 1024 ** 3;

export function sandboxMemory(model: MemoryModel, before: TreeMemory, after: TreeMemory, count: number): SandboxMemory {
  const per = (bytes: number): number | null => (count > 0 && bytes > 0 ? bytes / count : null);
  switch (model) {
    case 'child-processes':
      return withFit(
        per(after.descendantBytes - before.descendantBytes),
        `RSS of the server's child processes grew by this much per new warm sandbox (${count} sandboxes)`,
      );
    case 'in-process':
      return withFit(
        per(after.rootBytes + after.descendantBytes - before.rootBytes - before.descendantBytes),
        `handlers run inside the server process; its RSS grew by this much per warmed function (${count} functions)`,
      );
    case 'process-per-function':
      return withFit(
        per(after.rootBytes + after.descendantBytes),
        `one whole server process per function; RSS of ${count} processes after their first invoke, divided by ${count}`,
      );
    case 'process-per-invocation':
      return {
        perSandboxBytes: null,
        fitIn4GiB: null,
        method: 'no warm sandbox: a new process runs each invocation and exits',
      };
  }
}

function withFit(perSandboxBytes: number | null, method: string): SandboxMemory {
  return {
    perSandboxBytes,
    fitIn4GiB: perSandboxBytes === null ? null : Math.floor(FOUR_GIB / perSandboxBytes),
    method,
  };
}
