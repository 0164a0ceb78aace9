// The in-memory Storage backend: for unit tests and for running without a data dir.
import type { Storage } from '../ports.js';
import { MemoryFunctionStore } from './memory-function-store.js';
import { MemoryLayerStore } from './memory-layer-store.js';
import { MemoryLogStore } from './memory-log-store.js';

export function createMemoryStorage(options: { logRetentionEvents: number }): Storage {
  return {
    functions: new MemoryFunctionStore(),
    layers: new MemoryLayerStore(),
    logs: new MemoryLogStore(options.logRetentionEvents),
    async close() {},
  };
}
