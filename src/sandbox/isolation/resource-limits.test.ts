import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cpuQuota, sandboxLimits, type CpuPhase } from './resource-limits.js';

describe('cpuQuota', () => {
  const rows: Array<[string, number, number, CpuPhase, number | undefined]> = [
    // name, memoryMb, hostCores, phase, expected quota (µs per 100 ms; undefined = unlimited)
    ['1,769 MB is one vCPU', 1769, 8, 'invoke', 100_000],
    ['128 MB is ~7% of a vCPU', 128, 8, 'invoke', 7_236],
    ['3,538 MB is two vCPUs', 3538, 8, 'invoke', 200_000],
    ['10,240 MB is capped at the host cores (unlimited)', 10240, 2, 'invoke', undefined],
    ['exactly the host cores is unlimited', 3538, 2, 'invoke', undefined],
    ['init is unthrottled by default', 128, 8, 'init', undefined],
    ['a host reporting 0 cores counts as 1', 1769, 0, 'invoke', undefined],
  ];
  for (const [name, memoryMb, cores, phase, expected] of rows) {
    it(name, () => assert.equal(cpuQuota(memoryMb, cores, phase).quotaUs, expected));
  }

  it('throttles init when the policy says so', () => {
    assert.equal(cpuQuota(1769, 8, 'init', { throttleInit: true, scale: 1 }).quotaUs, 100_000);
  });

  it('scales the share by the policy factor, with a floor', () => {
    assert.equal(cpuQuota(1769, 8, 'invoke', { throttleInit: false, scale: 0.5 }).quotaUs, 50_000);
    assert.equal(cpuQuota(1, 8, 'invoke').quotaUs, 1_000);
  });
});

describe('sandboxLimits', () => {
  it('memory is MemorySize, /tmp is EphemeralStorage, pids and files are 1,024', () => {
    assert.deepEqual(sandboxLimits(128, 512), {
      memoryBytes: 128 * 1024 * 1024,
      pidsMax: 1024,
      nofile: 1024,
      tmpBytes: 512 * 1024 * 1024,
    });
  });
});
