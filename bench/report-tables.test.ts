import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderRun, table } from './report-tables.js';
import { sampleResult } from './sample-result.fixture.js';
import { summarize } from './stats.js';
import type { Throughput } from './bench-result.js';

const MiB = 1024 ** 2;

/** The cells of the row whose first cell is `name`, in the table under `heading`. */
function row(markdown: string, heading: string, name: string): string[] {
  const section = markdown.split('### ').find((part) => part.startsWith(heading));
  assert.ok(section, `no section ${heading}`);
  const line = section.split('\n').find((l) => l.startsWith(`| ${name} |`));
  assert.ok(line, `no row ${name} under ${heading}`);
  return line.slice(2, -2).split(' | ');
}

describe('table', () => {
  it('renders a header, a separator and rows', () => {
    assert.equal(table(['a', 'b'], [['1', '2']]), '| a | b |\n| --- | --- |\n| 1 | 2 |');
  });
});

describe('renderRun', () => {
  const markdown = renderRun(sampleResult());

  it('puts each target’s warm latency next to the HTTP floor and Hearth next to each peer', () => {
    assert.deepEqual(row(markdown, 'Warm', 'hearth'), [
      'hearth',
      '0.400',
      '0.800',
      '0.800',
      '+0.300 / +0.600',
      '4.00×',
      '—',
    ]);
    // Hearth 0.4 ms against the peer's 1.2 ms: three times better at p50 and p99.
    assert.equal(row(markdown, 'Warm', 'serverless-offline')[6], '3.00× better / 3.00× better');
  });

  it('gives throughput as a share of both floors and against Hearth', () => {
    const cells = row(markdown, 'Throughput', 'serverless-offline');
    assert.equal(cells[1], '1000');
    assert.equal(cells[5], '10 % / 10 %');
    // 1,000 of the process-hop floor's 8,000.
    assert.equal(cells[6], '13 % / 13 %');
    assert.equal(cells[7], '5.00× better / 5.00× better');
    assert.deepEqual(row(markdown, 'Throughput', 'hearth').slice(5, 7), ['50 % / 50 %', '63 % / 63 %']);
  });

  it('shows the process-hop floor beside the HTTP floor, and what its hop adds', () => {
    assert.deepEqual(row(markdown, 'Warm', 'process-hop floor').slice(1, 5), [
      '0.200',
      '0.400',
      '0.400',
      '+0.100 / +0.200',
    ]);
    assert.equal(row(markdown, 'Throughput', 'process-hop floor')[1], '8000');
  });

  it('says what Hearth adds beyond the process-hop floor, under the goals', () => {
    // Hearth 0.4 / 0.8 ms and 5,000/s against the floor's 0.2 / 0.4 ms and 8,000/s.
    assert.match(
      markdown,
      /Against the process-hop floor \(no goal[^)]*\): warm \+0\.200 ms p50 and \+0\.400 ms p99 over it; throughput 63 % at c=8, 63 % at c=32 of its rate\./,
    );
  });

  it('leaves the process-hop floor out of a run that has none (results before it existed)', () => {
    const { processHopFloor: _omitted, ...older } = sampleResult();
    const before = renderRun(older);
    assert.doesNotMatch(before, /process-hop/);
    assert.equal(row(before, 'Throughput', 'serverless-offline')[6], '5.00× better / 5.00× better');
  });

  it('shows each level’s warm-up rate beside its measured rate, and no such table for results without it', () => {
    assert.doesNotMatch(markdown, /while warming/);
    const result = sampleResult();
    const warming = (perSecond: number) => (t: Throughput) => ({
      ...t,
      warmup: { completed: perSecond * 2, seconds: 2, perSecond },
    });
    const targets = result.targets.map((t) =>
      t.name === 'hearth' && t.warm !== undefined
        ? { ...t, warm: { ...t.warm, throughput: t.warm.throughput.map(warming(2_500)) } }
        : t.name === 'serverless-offline' && t.warm !== undefined
          ? { ...t, warm: { ...t.warm, throughput: t.warm.throughput.map(warming(500)) } }
          : t,
    );
    const rendered = renderRun({ ...result, targets });
    // Hearth's measured rate is 5,000/s and the peer's 1,000/s.
    assert.deepEqual(row(rendered, 'Throughput while warming', 'hearth'), [
      'hearth',
      '2500 (5000 in 2.0 s)',
      '2500 (5000 in 2.0 s)',
      '50 % / 50 %',
      '—',
    ]);
    assert.equal(row(rendered, 'Throughput while warming', 'serverless-offline')[4], '5.00× better / 5.00× better');
    assert.deepEqual(row(rendered, 'Throughput while warming', 'HTTP floor').slice(1, 4), ['—', '—', '— / —']);
  });

  it('shows the pre-started pool row beside the cold starts without it, and the goals they meet', () => {
    assert.deepEqual(row(markdown, 'Cold', 'hearth, with pre-started pool').slice(1, 3), ['8.0', '12.0']);
    assert.deepEqual(row(markdown, 'Hearth against', 'pool cold start p50 ≤ 15 ms').slice(1), ['8.0 ms', 'met']);
    // serverless-offline's 120 / 160 ms against Hearth's 8 / 12 with its pool (the default) and 30 / 40 without.
    assert.deepEqual(row(markdown, 'Cold', 'serverless-offline').slice(3, 5), [
      '15.0× better / 13.3× better',
      '4.00× better / 4.00× better',
    ]);
  });

  it('reports memory per sandbox and how many fit in 4 GiB by PSS (what the host holds), with the ratio to Hearth', () => {
    assert.deepEqual(row(markdown, 'Memory', 'hearth').slice(0, 4), ['hearth', '12.0', '40.0', '341']);
    // By RSS serverless-offline would come out 4.01× ahead (409 against 102).
    assert.equal(row(markdown, 'Memory', 'serverless-offline')[4], '1.33× better');
  });

  it('shows the many-functions cold-start rate and why a peer was skipped', () => {
    assert.equal(row(markdown, 'Many', 'hearth')[3], '400 (100 %)');
    assert.equal(row(markdown, 'Many', 'serverless-offline')[7], 'no cap');
  });

  it('says which peers could not run, with their error, escaping table pipes', () => {
    assert.equal(row(markdown, 'Platforms', 'architect-sandbox')[3], 'could not run: `Error: boom \\| bad`');
    assert.match(markdown, /### Async invoke\n\nNot measured in this run/);
  });

  it('measures what isolation adds against the same run with plain processes', () => {
    const result = sampleResult();
    const plain = {
      name: 'hearth-process',
      version: 'hearth@0.1.0',
      how: 'Invoke API',
      cold: summarize([22.5, 30]), // p50 22.5, hearth's 30
      memory: { perSandboxBytes: 33 * MiB, fitIn4GiB: 124, perSandboxPssBytes: 9.5 * MiB, method: 'child processes' },
    };
    const rendered = renderRun({ ...result, targets: [...result.targets, plain] });
    const goal = (name: string): string[] => row(rendered, 'Hearth against', name).slice(1);
    assert.deepEqual(goal('isolation adds ≤ 5 ms to a start (cold p50, hearth − hearth-process)'), [
      '7.5 ms',
      'not met',
    ]);
    assert.deepEqual(goal('idle sandbox beyond the runtime’s own ≤ 5 MiB (PSS, hearth − hearth-process)'), [
      '2.5 MiB (RSS 7.0)',
      'met',
    ]);
    assert.equal(
      row(markdown, 'Hearth against', 'isolation adds ≤ 5 ms to a start (cold p50, hearth − hearth-process)')[2],
      'not measured',
    );
  });

  it('checks Hearth’s goals', () => {
    assert.deepEqual(row(markdown, 'Hearth against', 'warm overhead over the floor ≤ 0.5 ms p50'), [
      'warm overhead over the floor ≤ 0.5 ms p50',
      '0.300 ms',
      'met',
    ]);
  });
});
