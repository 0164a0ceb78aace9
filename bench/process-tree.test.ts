import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { descendantsOf, parseRssBytes, parseStat, treeMemory } from './process-tree.js';

describe('parseStat', () => {
  it('reads pid and parent pid, even when the command name holds spaces and parentheses', () => {
    assert.deepEqual(parseStat('4242 (node (worker) x) S 17 4242 17 0 -1'), { pid: 4242, ppid: 17 });
  });
  it('is undefined for an empty file (the process went away)', () => {
    assert.equal(parseStat(''), undefined);
  });
});

describe('parseRssBytes', () => {
  it('converts VmRSS from KiB to bytes, and is 0 without the line', () => {
    assert.equal(parseRssBytes('Name:\tnode\nVmRSS:\t   51200 kB\nVmData: 1 kB\n'), 51200 * 1024);
    assert.equal(parseRssBytes('Name:\tzombie\n'), 0);
  });
});

describe('descendantsOf', () => {
  it('finds children and grandchildren, not siblings', () => {
    const entries = [
      { pid: 10, ppid: 1 },
      { pid: 11, ppid: 10 },
      { pid: 12, ppid: 11 },
      { pid: 13, ppid: 1 },
    ];
    assert.deepEqual(descendantsOf(10, entries), [11, 12]);
    assert.deepEqual(descendantsOf(13, entries), []);
  });
});

describe('treeMemory', () => {
  it('measures this test process as a root with resident memory', () => {
    const memory = treeMemory(process.pid);
    assert.ok(memory.rootBytes > 1024 * 1024, `root RSS ${memory.rootBytes}`);
  });
});
