import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextKillStep } from './cgroup-files.js';

describe('the kill loop: what it does after reading the pids', () => {
  const cases: Array<[string, number[], number[], number, ReturnType<typeof nextKillStep>]> = [
    ['an empty cgroup is done', [], [], 0, 'done'],
    ['empty after kills is done', [], [10, 11], 3, 'done'],
    ['the first read kills', [10, 11], [], 0, 'kill'],
    ['only killed pids still exiting: wait, no freezing', [10, 11], [10, 11, 12], 1, 'wait'],
    ['a pid not killed yet (a fork raced the read): kill again', [10, 13], [10, 11], 1, 'kill'],
    ['killed pids there for 25 polls: signal again (a reused pid number)', [10], [10], 25, 'kill'],
    ['killed pids there for 24 polls: still waiting', [10], [10], 24, 'wait'],
  ];
  for (const [name, pids, killed, polls, step] of cases)
    it(name, () => assert.equal(nextKillStep(pids, new Set(killed), polls), step));
});
