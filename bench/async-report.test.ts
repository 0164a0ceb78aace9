import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AsyncBenchResult } from './async.js';
import { bestAcceptRate, renderAsyncSection } from './async-report.js';
import { summarize } from './stats.js';

const result: AsyncBenchResult = {
  accept: [
    { concurrency: 1, accepted: 500, seconds: 1, perSecond: 500, latency: summarize([1.5, 2, 2.5]) },
    { concurrency: 8, accepted: 3000, seconds: 1, perSecond: 3000, latency: summarize([2, 3, 4]) },
  ],
  backlog: {
    events: 2000,
    concurrency: 32,
    acceptSeconds: 1.25,
    drainSeconds: 9.5,
    completion: summarize([100, 4000, 9000]),
    retried: { throttle: 12 },
  },
};

void describe('async report', () => {
  void it('picks the best accept rate, and none when async was not measured', () => {
    assert.equal(bestAcceptRate(result), 3000);
    assert.equal(bestAcceptRate(undefined), undefined);
    assert.equal(bestAcceptRate({ ...result, accept: [] }), undefined);
  });

  void it('shows each rate against the 2,000/s goal, and the backlog with its retries by cause', () => {
    const markdown = renderAsyncSection(result);
    assert.match(markdown, /\| 1 \| 500 \| 500 \| 25 % \|/);
    assert.match(markdown, /\| 8 \| 3000 \| 3000 \| 150 % \|/);
    assert.match(markdown, /\| 2000 events at c=32 \| 1\.25 \| 9\.50 \| 4000 \| \d+ \| throttle 12 \|/);
  });

  void it('says the accept rates are burst rates, with the longest phase', () => {
    assert.match(
      renderAsyncSection(result),
      /lasts up to 1\.0 s, within the first 5 s of a burst.*these are burst rates/,
    );
  });

  void it('says when a run has no async measurement', () => {
    assert.match(renderAsyncSection(undefined), /^Not measured in this run/);
  });
});
