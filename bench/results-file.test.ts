import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { writeResults, type BenchResult } from './results-file.js';
import { summarize } from './stats.js';

function result(date: string, warmMs: number): BenchResult {
  const warm = summarize([warmMs, warmMs, warmMs * 2]);
  const throughput = { concurrency: 8, completed: 100, seconds: 1, perSecond: 100, latency: warm };
  return {
    date,
    command: 'npm run bench -- --quick',
    quick: true,
    machine: { cpus: 2, cpuModel: 'test', memoryGiB: 4, kernel: '6.1', node: 'v20.0.0', platform: 'linux x64' },
    notes: [],
    floor: { warm: summarize([0.1, 0.1, 0.2]), throughput },
    hearth: { warm, throughput, cold: summarize([50, 60]) },
  };
}

describe('writeResults', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-results-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('writes one JSON file per run and keeps the newest row first in docs/benchmarks.md', () => {
    writeResults(root, result('2025-01-01T10:00:00.000Z', 0.5));
    writeResults(root, result('2025-01-02T10:00:00.000Z', 0.7));
    assert.equal(readdirSync(path.join(root, 'bench', 'results')).length, 2);
    const doc = readFileSync(path.join(root, 'docs', 'benchmarks.md'), 'utf8');
    const rows = doc.split('\n').filter((line) => /^\| 2025-/.test(line));
    assert.equal(rows.length, 2);
    assert.match(
      rows[0]!,
      /^\| 2025-01-02 10:00 \| quick \| 0\.700 \/ 1\.400 \| 0\.100 \/ 0\.200 \| 0\.600 \/ 1\.200 \|/,
    );
    assert.match(rows[1]!, /^\| 2025-01-01 10:00 /);
    assert.match(doc, /2 cores, 4 GiB, Linux 6\.1, Node v20\.0\.0/);
  });
});
