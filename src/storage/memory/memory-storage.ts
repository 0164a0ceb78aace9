// The in-memory Storage backend: for unit tests and for running without a data dir.
import type { Storage } from '../ports.js';
import { MemoryAsyncQueue } from './memory-async-queue.js';
import { MemoryEventInvokeConfigs } from './memory-event-invoke-configs.js';
import { MemoryFunctionStore } from './memory-function-store.js';
import { MemoryLayerStore } from './memory-layer-store.js';
import { MemoryLogStore } from './memory-log-store.js';

export function createMemoryStorage(options: { logRetentionEvents: number }): Storage {
  return {
    functions: new MemoryFunctionStore(),
    layers: new MemoryLayerStore(),
    logs: new MemoryLogStore(options.logRetentionEvents),
    asyncEvents: new MemoryAsyncQueue(),
    eventInvokeConfigs: new MemoryEventInvokeConfigs(),
    async close() {},
  };
}
