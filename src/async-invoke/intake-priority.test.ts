import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { afterAccept, runLimit, type IntakeBurst } from './intake-priority.js';

const priority = { quietMs: 20, windowMs: 5000, burstSlots: 1 };

void describe('afterAccept', () => {
  const rows: { name: string; burst: IntakeBurst | undefined; now: number; expected: IntakeBurst }[] = [
    { name: 'the first event starts a burst', burst: undefined, now: 100, expected: { startedAt: 100, lastAt: 100 } },
    {
      name: 'an event within the quiet gap continues the burst',
      burst: { startedAt: 100, lastAt: 110 },
      now: 129,
      expected: { startedAt: 100, lastAt: 129 },
    },
    {
      name: 'an event after a quiet gap starts a new burst',
      burst: { startedAt: 100, lastAt: 110 },
      now: 130,
      expected: { startedAt: 130, lastAt: 130 },
    },
  ];
  for (const row of rows) {
    void it(row.name, () => assert.deepEqual(afterAccept(row.burst, row.now, priority), row.expected));
  }
});

void describe('runLimit', () => {
  const rows: {
    name: string;
    burst: IntakeBurst | undefined;
    now: number;
    slots?: number;
    burstSlots?: number;
    expected: { slots: number; recheckAt?: number };
  }[] = [
    { name: 'no event accepted yet: full width', burst: undefined, now: 0, expected: { slots: 32 } },
    {
      name: 'during a burst: one at a time, re-checked when intake could go quiet',
      burst: { startedAt: 1000, lastAt: 1200 },
      now: 1205,
      expected: { slots: 1, recheckAt: 1220 },
    },
    { name: 'intake quiet: full width', burst: { startedAt: 1000, lastAt: 1200 }, now: 1220, expected: { slots: 32 } },
    {
      name: 'near the end of the window: re-checked when it ends',
      burst: { startedAt: 1000, lastAt: 5990 },
      now: 5995,
      expected: { slots: 1, recheckAt: 6000 },
    },
    {
      name: 'a burst longer than the window: full width although events keep coming',
      burst: { startedAt: 1000, lastAt: 7000 },
      now: 7001,
      expected: { slots: 32 },
    },
    {
      name: 'burstSlots 0 still lets one event run (the queue always moves)',
      burst: { startedAt: 1000, lastAt: 1200 },
      now: 1205,
      burstSlots: 0,
      expected: { slots: 1, recheckAt: 1220 },
    },
    {
      name: 'never more than the slots',
      burst: { startedAt: 1000, lastAt: 1200 },
      now: 1205,
      slots: 2,
      burstSlots: 4,
      expected: { slots: 2, recheckAt: 1220 },
    },
  ];
  for (const row of rows) {
    void it(row.name, () =>
      assert.deepEqual(
        runLimit(row.burst, row.now, row.slots ?? 32, { ...priority, burstSlots: row.burstSlots ?? 1 }),
        row.expected,
      ),
    );
  }
});
