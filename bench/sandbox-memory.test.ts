import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sandboxMemory } from './sandbox-memory.js';

const MiB = 1024 ** 2;
const before = {
  rootBytes: 100 * MiB,
  descendantBytes: 0,
  rootPssBytes: 90 * MiB,
  descendantPssBytes: 0,
  descendants: 0,
};
const after = {
  rootBytes: 120 * MiB,
  descendantBytes: 400 * MiB,
  rootPssBytes: 80 * MiB,
  descendantPssBytes: 150 * MiB,
  descendants: 10,
};

describe('sandboxMemory', () => {
  it('counts only child processes for a platform with one process per sandbox', () => {
    const memory = sandboxMemory('child-processes', before, after, 10);
    assert.equal(memory.perSandboxBytes, 40 * MiB);
    assert.equal(memory.fitIn4GiB, 102); // 4096 MiB / 40 MiB
  });
  it('reports the same growth by PSS, where the pages the processes share are counted once', () => {
    assert.equal(sandboxMemory('child-processes', before, after, 10).perSandboxPssBytes, 15 * MiB);
    // The server's PSS fell as its children came to share its pages: the sum is what grew.
    assert.equal(sandboxMemory('in-process', before, after, 10).perSandboxPssBytes, 14 * MiB);
    assert.equal(sandboxMemory('process-per-function', before, after, 10).perSandboxPssBytes, 23 * MiB);
  });
  it('counts how many fit in 4 GiB by PSS as well as by RSS', () => {
    const memory = sandboxMemory('child-processes', before, after, 10);
    assert.deepEqual([memory.fitIn4GiB, memory.fitIn4GiBPss], [102, 273]); // 4096 MiB / 40 MiB and / 15 MiB
  });
  it('counts the server growth for handlers that live inside the server', () => {
    const memory = sandboxMemory('in-process', before, after, 10);
    assert.equal(memory.perSandboxBytes, 42 * MiB);
  });
  it('counts whole processes when each function is its own server', () => {
    const memory = sandboxMemory('process-per-function', before, after, 4);
    assert.equal(memory.perSandboxBytes, 130 * MiB);
    assert.equal(memory.fitIn4GiB, 31);
  });
  it('has no idle sandbox when every invocation is a new process', () => {
    const memory = sandboxMemory('process-per-invocation', before, after, 10);
    assert.deepEqual([memory.perSandboxBytes, memory.fitIn4GiB, memory.fitIn4GiBPss], [null, null, null]);
  });
  it('reports nothing rather than a negative or zero size', () => {
    assert.equal(sandboxMemory('child-processes', after, before, 10).perSandboxBytes, null);
  });
});
