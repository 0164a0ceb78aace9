// Writes a run to bench/results/<date>.json and adds its row to the table in docs/benchmarks.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Machine } from './machine.js';
import { ms, type LatencySummary } from './stats.js';

export interface Throughput {
  readonly concurrency: number;
  readonly completed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly latency: LatencySummary;
}

export interface TargetResult {
  readonly warm: LatencySummary;
  readonly throughput: Throughput;
}

export interface BenchResult {
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  readonly machine: Machine;
  readonly notes: readonly string[];
  readonly floor: TargetResult;
  readonly hearth: (TargetResult & { readonly cold: LatencySummary }) | { readonly error: string };
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';
const HEADER =
  '| date | mode | warm p50 / p99 (ms) | floor p50 / p99 (ms) | overhead p50 / p99 (ms) | invokes/s c=8 (floor) | cold p50 / p99 (ms) | machine | command |\n' +
  '|---|---|---|---|---|---|---|---|---|';

export function writeResults(root: string, result: BenchResult): { json: string; markdown: string } {
  const resultsDir = path.join(root, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const json = path.join(resultsDir, `${result.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(json, JSON.stringify(result, null, 2) + '\n');

  const markdown = path.join(root, 'docs', 'benchmarks.md');
  mkdirSync(path.dirname(markdown), { recursive: true });
  const current = existsSync(markdown) ? readFileSync(markdown, 'utf8') : initialDocument();
  writeFileSync(markdown, withRow(current.includes(START) ? current : current + '\n' + emptyTable(), tableRow(result)));
  return { json, markdown };
}

export function tableRow(result: BenchResult): string {
  const m = result.machine;
  const machine = `${m.cpus} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}`;
  const floor = result.floor;
  const cells = [result.date.slice(0, 16).replace('T', ' '), result.quick ? 'quick' : 'full'];
  if ('error' in result.hearth) {
    cells.push(
      `— (${result.hearth.error.split('\n')[0]?.slice(0, 80) ?? 'error'})`,
      pair(floor.warm),
      '—',
      `— (${floor.throughput.perSecond.toFixed(0)})`,
      '—',
    );
  } else {
    const h = result.hearth;
    cells.push(
      pair(h.warm),
      pair(floor.warm),
      `${ms(h.warm.p50 - floor.warm.p50)} / ${ms(h.warm.p99 - floor.warm.p99)}`,
      `${h.throughput.perSecond.toFixed(0)} (${floor.throughput.perSecond.toFixed(0)})`,
      pair(h.cold, 1),
    );
  }
  cells.push(machine, `\`${result.command}\``);
  return `| ${cells.join(' | ')} |`;
}

function pair(summary: LatencySummary, digits = 3): string {
  return `${ms(summary.p50, digits)} / ${ms(summary.p99, digits)}`;
}

function withRow(document: string, row: string): string {
  const start = document.indexOf(START);
  const end = document.indexOf(END);
  const inside = document
    .slice(start + START.length, end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| date'));
  const rows = [row, ...inside].slice(0, 30);
  return document.slice(0, start) + `${START}\n${HEADER}\n${rows.join('\n')}\n` + document.slice(end);
}

function emptyTable(): string {
  return `${START}\n${HEADER}\n${END}\n`;
}

function initialDocument(): string {
  return `# Benchmarks

Measured by \`npm run bench\` (\`bench/run.ts\`; \`npm run bench -- --quick\` for a short run). Each run
starts a real Hearth server in a temporary data dir with an environment without
\`NODE_EXTRA_CA_CERTS\`, deploys \`export const handler = async (e) => e\` (nodejs20.x), and drives it
with a keep-alive node:http client that signs every request with SigV4.

- **warm**: sequential invokes after a warm-up; latency from sending the request to the last byte.
- **floor**: the same handler behind a bare node:http server in its own process, driven by the same
  client with the same signing: one loopback HTTP hop. **overhead** = Hearth − floor.
- **invokes/s c=8**: 8 concurrent keep-alive loops for a fixed time or count.
- **cold**: the first invoke after UpdateFunctionConfiguration changed an environment variable, so a
  new sandbox must start (the pre-started pool may serve it).

Raw numbers: \`bench/results/*.json\`. Newest run first.

`;
}
