import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareToBaseline } from './admission-compare.js';
import type { TargetResult } from './bench-result.js';
import { summarize } from './stats.js';
import { renderVersionsSection } from './versions-report.js';

const same = (value: number): number[] => [value, value, value];

function hearth(): TargetResult {
  const comparison = compareToBaseline(
    [
      { name: '$LATEST (baseline)', invoked: 'adm-plain', rounds: [same(0.4), same(0.5)] },
      { name: 'A/A control', invoked: 'adm-plain-again', rounds: [same(0.43), same(0.47)] },
      { name: 'alias → version', invoked: 'adm-alias:live', rounds: [same(0.42), same(0.52)] },
      { name: 'slow | path', invoked: 'adm-slow:1', rounds: [same(0.9), same(1.0)] },
    ],
    1,
  );
  return {
    name: 'hearth',
    version: 'hearth@0.1.0',
    how: 'Invoke API',
    admission: { ...comparison, rounds: 2, perRound: 3 },
    provisionedStart: {
      samples: 2,
      readyAfter: summarize([120, 140]),
      provisionedFirst: summarize([1.2, 1.4]),
      provisionedWithInitDuration: 0,
      onDemandFirst: summarize([60, 70]),
      onDemandWithInitDuration: 2,
      provisionedReport: 'REPORT RequestId: a\tDuration: 0.40 ms',
      onDemandReport: 'REPORT RequestId: b\tDuration: 0.50 ms\tInit Duration: 50.00 ms',
    },
  };
}

/** The cells of the first row whose first cell is `first`. */
function row(markdown: string, first: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${first} |`));
  assert.ok(line, `no row ${first}`);
  return line.slice(2, -2).split(' | ');
}

describe('renderVersionsSection', () => {
  const markdown = renderVersionsSection(hearth());

  it('puts each way of invoking next to the baseline with a verdict against the noise', () => {
    assert.match(markdown, /Δp50 is judged against 0\.030 ms \(the A\/A control's largest paired difference/);
    assert.match(markdown, /The baseline's p50 itself moved by 0\.100 ms between rounds/);
    assert.deepEqual(row(markdown, '`adm-plain`').slice(4), ['+0.000', '+0.000', 'baseline', 'baseline']);
    assert.deepEqual(row(markdown, '`adm-alias:live`').slice(2, 7), [
      '0.420',
      '0.520',
      '+0.020',
      '+0.020',
      'within noise',
    ]);
    assert.equal(row(markdown, '`adm-slow:1`')[6], '+0.500 ms beyond noise 0.030');
  });

  it('shows whether a first invoke served by provisioned concurrency had an Init Duration, beside an on-demand one', () => {
    assert.deepEqual(row(markdown, 'a version with provisioned concurrency 1, after READY').slice(1, 4), [
      '1.2',
      '1.4',
      '0 of 2 (none, as required)',
    ]);
    assert.deepEqual(row(markdown, 'a function without it (on-demand cold start)').slice(1, 4), [
      '60.0',
      '70.0',
      '2 of 2',
    ]);
    assert.match(markdown, /Init Duration: 50\.00 ms/);
    assert.match(markdown, /REPORT RequestId: a · Duration: 0\.40 ms/);
  });

  it('says why when the rows were not measured', () => {
    const failed = renderVersionsSection({
      name: 'hearth',
      version: 'x',
      how: 'x',
      phaseErrors: { admission: 'boom | bad\nstack', provisionedStart: 'later' },
    });
    assert.match(failed, /Not measured: boom \\\| bad\./);
    assert.match(failed, /Not measured: later\./);
    assert.match(renderVersionsSection(undefined), /Not measured: Hearth was not part of this run\./);
  });
});
