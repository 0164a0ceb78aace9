// EventInvokeConfigStore in memory: for unit tests and the conformance suite.
import type { EventInvokeConfigRecord } from '../../control-plane/event-invoke-config-record.js';
import type { EventInvokeConfigStore } from '../ports.js';

export class MemoryEventInvokeConfigs implements EventInvokeConfigStore {
  private readonly configs = new Map<string, EventInvokeConfigRecord>();

  async putEventInvokeConfig(config: EventInvokeConfigRecord): Promise<void> {
    this.configs.set(key(config.functionName, config.qualifier), config);
  }

  async getEventInvokeConfig(functionName: string, qualifier: string): Promise<EventInvokeConfigRecord | undefined> {
    return this.configs.get(key(functionName, qualifier));
  }

  async listEventInvokeConfigs(
    functionName: string,
    afterQualifier: string | undefined,
    limit: number,
  ): Promise<EventInvokeConfigRecord[]> {
    return [...this.configs.values()]
      .filter((c) => c.functionName === functionName && c.qualifier > (afterQualifier ?? ''))
      .sort((a, b) => (a.qualifier < b.qualifier ? -1 : a.qualifier > b.qualifier ? 1 : 0))
      .slice(0, Math.max(0, limit));
  }

  async deleteEventInvokeConfig(functionName: string, qualifier: string): Promise<boolean> {
    return this.configs.delete(key(functionName, qualifier));
  }

  async deleteEventInvokeConfigs(functionName: string): Promise<void> {
    for (const config of [...this.configs.values()]) {
      if (config.functionName === functionName) this.configs.delete(key(functionName, config.qualifier));
    }
  }
}

function key(functionName: string, qualifier: string): string {
  return `${functionName}\u0000${qualifier}`;
}
