import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { END, START, withGenerated, writeResults } from './results-file.js';
import { sampleResult } from './sample-result.fixture.js';

describe('withGenerated', () => {
  it('appends the block once, then replaces only what is between the markers', () => {
    const first = withGenerated('# Benchmarks\n\nprose\n', 'run one');
    assert.equal(first, `# Benchmarks\n\nprose\n\n${START}\nrun one\n${END}\n`);
    const second = withGenerated(first + '\nafter\n', 'run two');
    assert.equal(second, `# Benchmarks\n\nprose\n\n${START}\nrun two\n${END}\n\nafter\n`);
  });
});

describe('writeResults', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes one JSON file per run and the newest run’s tables into docs/benchmarks.md', () => {
    writeResults(root, sampleResult('2025-01-01T10:00:00.000Z'));
    writeResults(root, sampleResult('2025-01-02T10:00:00.000Z'));
    const files = readdirSync(path.join(root, 'bench', 'results')).sort();
    assert.deepEqual(files, ['2025-01-01T10-00-00-000Z-quick.json', '2025-01-02T10-00-00-000Z-quick.json']);
    const saved = JSON.parse(readFileSync(path.join(root, 'bench', 'results', files[1]!), 'utf8')) as { date: string };
    assert.equal(saved.date, '2025-01-02T10:00:00.000Z');
    const doc = readFileSync(path.join(root, 'docs', 'benchmarks.md'), 'utf8');
    assert.match(doc, /Run of 2025-01-02 10:00 UTC/);
    assert.doesNotMatch(doc, /Run of 2025-01-01/);
    assert.match(doc, /Machine: 2 × test cpu, 4 GiB, linux x64, kernel 6\.1, Node v20\.0\.0/);
  });
});
