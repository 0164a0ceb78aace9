// Which runtimes' pre-started pools Hearth fills at start-up, as a pure decision over the runtimes
// of the functions already in its store: Node's always (most functions are Node, and a new one
// should find its pool full), and Python's when a function there is Python, so that after a restart
// its first invoke is not a full cold start. Every runtime of a language is one pool kind
// (pool-key.ts), so one is primed per language, with the runtime most of its functions use. Custom
// runtimes cannot be pre-started.
import { runtimeFamily } from './runtime-catalog.js';

/** The runtime the Node pool is primed with when nothing else says (the host's Node is 20 or later). */
export const DEFAULT_PRIMED_NODE = 'nodejs20.x';

export function primedRuntimes(stored: readonly string[]): string[] {
  const python = new Map<string, number>();
  for (const runtime of stored)
    if (runtimeFamily(runtime) === 'python') python.set(runtime, (python.get(runtime) ?? 0) + 1);
  // The most used; among equals the first in name order, so the choice is the same every start.
  const [mostUsed] = [...python].sort(([a, m], [b, n]) => n - m || a.localeCompare(b));
  return mostUsed === undefined ? [DEFAULT_PRIMED_NODE] : [DEFAULT_PRIMED_NODE, mostUsed[0]];
}
