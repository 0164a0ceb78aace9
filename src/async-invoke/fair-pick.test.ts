import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pickFair } from './fair-pick.js';

const c = (requestId: string, functionName: string, rank: number) => ({ requestId, functionName, rank });

void describe('pickFair', () => {
  const rows: {
    name: string;
    candidates: ReturnType<typeof c>[];
    inFlight: Record<string, number>;
    free: number;
    lastServed?: Record<string, number>;
    expected: string[];
  }[] = [
    {
      name: 'nothing in flight: round robin in the order given',
      candidates: [c('a1', 'a', 1), c('b1', 'b', 1), c('a2', 'a', 2), c('a3', 'a', 3)],
      inFlight: {},
      free: 3,
      expected: ['a1', 'b1', 'a2'],
    },
    {
      name: 'a function busy with 8 events yields to one with none',
      candidates: [c('a9', 'a', 1), c('a10', 'a', 2), c('b1', 'b', 1)],
      inFlight: { a: 8 },
      free: 1,
      expected: ['b1'],
    },
    {
      name: 'a single function may use every free slot',
      candidates: [c('a1', 'a', 1), c('a2', 'a', 2), c('a3', 'a', 3)],
      inFlight: { a: 5 },
      free: 3,
      expected: ['a1', 'a2', 'a3'],
    },
    { name: 'no free slot: nothing', candidates: [c('a1', 'a', 1)], inFlight: {}, free: 0, expected: [] },
    {
      name: 'between equals, the function served longest ago goes first',
      candidates: [c('a7', 'a', 1), c('b1', 'b', 1)],
      inFlight: {},
      free: 1,
      lastServed: { a: 10, b: 3 },
      expected: ['b1'],
    },
  ];
  for (const row of rows) {
    void it(row.name, () => {
      const picked = pickFair(
        row.candidates,
        new Map(Object.entries(row.inFlight)),
        row.free,
        new Map(Object.entries(row.lastServed ?? {})),
      );
      assert.deepEqual(
        picked.map((p) => p.requestId),
        row.expected,
      );
    });
  }
});
