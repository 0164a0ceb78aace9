// `npm run bench [-- --quick] [-- --only hearth,lambda-local] [-- --no-write]`: Hearth next to the
// floors (the handler in-process; behind a bare node:http server; and behind that server in
// another process, one unix-socket hop away) and next to the peers users
// pick today (serverless-offline, lambda-local, Architect sandbox), all with the same handler and
// the same client. See docs/benchmarks.md for what each number means.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hearthBin, repoRoot } from '../test/support/repo-root.js';
import { ASYNC_PLAN, ASYNC_QUICK_PLAN, describeAsync, measureAsync, type AsyncBenchResult } from './async.js';
import type { BenchResult, TargetResult } from './bench-result.js';
import { measureInProcess } from './in-process-floor.js';
import { InvokeClient } from './invoke-client.js';
import { describeMachine } from './machine.js';
import { startFloor } from './floors.js';
import { BODY, firstLines, log, measurePoolCold } from './measure.js';
import { parseOptions, planFor } from './plan.js';
import { renderRun } from './report-tables.js';
import { writeResults } from './results-file.js';
import { measureManyInterleaved, measureSideBySide } from './side-by-side.js';
import { measureVersionsAndConcurrency } from './versions-concurrency.js';
import { architectTarget } from './targets/architect-target.js';
import type { BenchTarget } from './targets/bench-target.js';
import { hearthTarget } from './targets/hearth-target.js';
import { installPeers, PEER_PACKAGES } from './targets/peer-install.js';
import { lambdaLocalTarget } from './targets/lambda-local-target.js';
import { serverlessOfflineTarget } from './targets/serverless-offline-target.js';

const PEERS = ['serverless-offline', 'lambda-local', 'architect-sandbox'] as const;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  const plan = planFor(options.quick);
  const root = repoRoot();
  const wanted = (name: string): boolean => options.only.length === 0 || options.only.includes(name);
  const notes = [
    'Every process the benchmark starts (floor server, Hearth, each peer, npm) gets the environment minus NODE_EXTRA_CA_CERTS (this machine sets it; it adds ~90 ms to each Node start), AWS_* and HEARTH_*.',
    'One client for all: keep-alive HTTP/1.1 connections of its own (up to 32 per server, bench/invoke-client.ts), in the benchmark process, SigV4-signing every request (peers ignore the signature).',
    'One handler for all: `export const handler = async (event) => event` (the CommonJS form `exports.handler = …` for lambda-local and Architect, which need it); event `{"hello":"bench","n":1}`.',
    'Peers are installed by the benchmark from npm into bench/.peers/ (gitignored): ' +
      Object.entries(PEER_PACKAGES)
        .map(([name, version]) => `${name}@${version}`)
        .join(', ') +
      '. Only loopback traffic.',
    `Plan: ${plan.warm} warm invokes at c=1 (at most ${plan.warmMs / 1000} s) after ${plan.warmup} unmeasured; throughput at c=${plan.concurrencies.join(' and c=')} for ${plan.throughputMs / 1000} s each (at most ${plan.throughputCount} invokes) after ${plan.warmupPerLoop} unmeasured per loop (at most ${plan.warmupLoopMs / 1000} s; its rate is reported too); ${plan.cold} cold starts ${plan.coldGapMs} ms apart (Hearth: once without and once with its pre-started pool, HEARTH_POOL_SIZE=0 and 2). The HTTP floor, Hearth and the peers run at once and these phases are interleaved: each is cut into ${plan.interleaveRounds} slices per server (the cold starts: one function at a time), every round runs one slice of each, the order rotated every round; the many-functions run is interleaved too, in ${plan.manySlices} slices per server; Hearth's cold starts with its pool go afterwards on a server of their own; ${plan.manyFunctions} functions × ${plan.manyRounds} rounds with room for ${plan.manyRoom}.`,
  ];
  for (const note of notes) console.log(`note: ${note}`);
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

  const client = new InvokeClient(Math.max(...plan.concurrencies));
  const inProcess = await measureInProcess(plan, BODY);
  log('in-process', `p50 ${inProcess.latency.p50.toFixed(4)} ms`);
  const floors = [await startFloor('HTTP floor'), await startFloor('process-hop floor')];
  const failed: TargetResult[] = [];
  const benches = await benchTargets(root, wanted, failed);
  const sideBySide = await measureSideBySide(client, floors, benches, plan).finally(() =>
    Promise.all(floors.map((floor) => floor.stop())),
  );
  const [floorOutcome, hopOutcome] = sideBySide.floors;
  if (floorOutcome === undefined || 'error' in floorOutcome)
    throw new Error(`the HTTP floor failed: ${floorOutcome?.error ?? 'not measured'}`);
  const floor = floorOutcome.warm;
  if (hopOutcome !== undefined && 'error' in hopOutcome) log('process-hop floor', `failed: ${hopOutcome.error}`);
  const processHopFloor = hopOutcome !== undefined && 'warm' in hopOutcome ? hopOutcome.warm : undefined;

  const targets: TargetResult[] = [...failed];
  for (const measured of sideBySide.targets) {
    const bench = benches.find((candidate) => candidate.name === measured.name)!;
    let result = measured;
    if (bench.name === 'hearth' && result.error === undefined) {
      try {
        result = { ...result, poolCold: await measurePoolCold(client, bench, plan) };
      } catch (error) {
        log(bench.name, `pool cold starts failed: ${firstLines(error)}`);
        result = { ...result, phaseErrors: { ...result.phaseErrors, poolCold: firstLines(error) } };
      }
    }
    if (bench.name === 'hearth' && result.error === undefined) {
      const versions = await measureVersionsAndConcurrency(client, options.quick).catch((error: unknown) => ({
        phaseErrors: { admission: firstLines(error), provisionedStart: firstLines(error) },
      }));
      const phaseErrors = { ...result.phaseErrors, ...versions.phaseErrors };
      result = { ...versions, ...result, ...(Object.keys(phaseErrors).length > 0 ? { phaseErrors } : {}) };
    }
    targets.push(result);
  }
  const many = await measureManyInterleaved(
    client,
    benches.filter((bench) => targets.find((t) => t.name === bench.name)?.error === undefined),
    plan,
  );
  for (const [i, target] of targets.entries()) {
    const outcome = many.get(target.name);
    if (outcome === undefined) continue;
    targets[i] =
      'error' in outcome
        ? { ...target, phaseErrors: { ...target.phaseErrors, many: outcome.error } }
        : { ...target, many: outcome };
  }
  client.close();
  targets.sort((a, b) => order(a.name) - order(b.name));
  let asyncResult: AsyncBenchResult | undefined;
  if (wanted('hearth-async')) {
    try {
      asyncResult = await measureAsync(hearthVersion(), options.quick ? ASYNC_QUICK_PLAN : ASYNC_PLAN);
      for (const line of describeAsync(asyncResult)) log('hearth-async', line);
    } catch (error) {
      log('hearth-async', `failed: ${firstLines(error)}`);
    }
  }

  const result: BenchResult = {
    date: new Date().toISOString(),
    command: `npm run bench${argv.length > 0 ? ' -- ' + argv.join(' ') : ''}`,
    quick: options.quick,
    machine: describeMachine(),
    plan,
    notes,
    inProcess,
    floor,
    ...(processHopFloor !== undefined ? { processHopFloor } : {}),
    targets,
    ...(asyncResult !== undefined ? { async: asyncResult } : {}),
  };
  console.log('\n' + renderRun(result));
  if (options.write) {
    const written = writeResults(root, result);
    console.log(`\nwrote ${path.relative(root, written.json)} and ${path.relative(root, written.markdown)}`);
  }
  if (targets.find((t) => t.name === 'hearth')?.error !== undefined) process.exitCode = 1;
}

/** Hearth and the peers asked for; a peer whose install failed is recorded with the error. */
async function benchTargets(
  root: string,
  wanted: (name: string) => boolean,
  failed: TargetResult[],
): Promise<BenchTarget[]> {
  const targets: BenchTarget[] = [];
  if (wanted('hearth')) targets.push(hearthTarget(hearthVersion()));
  if (wanted('hearth-process')) targets.push(hearthTarget(hearthVersion(), 'hearth-process'));
  const peers = PEERS.filter(wanted);
  if (peers.length === 0) return targets;
  try {
    const install = await installPeers(root, (line) => log('peers', line));
    const make = {
      'serverless-offline': serverlessOfflineTarget,
      'lambda-local': lambdaLocalTarget,
      'architect-sandbox': architectTarget,
    };
    for (const name of peers) targets.push(make[name](install));
  } catch (error) {
    log('peers', `npm install failed: ${firstLines(error)}`);
    for (const name of peers)
      failed.push({ name, version: '—', how: '—', error: `npm install failed: ${firstLines(error)}` });
  }
  return targets;
}

/** Version and commit of the Hearth that runs: this checkout, or the one HEARTH_E2E_ENTRY names. */
function hearthVersion(): string {
  const checkout = path.dirname(path.dirname(hearthBin()));
  const { version } = JSON.parse(readFileSync(path.join(checkout, 'package.json'), 'utf8')) as { version: string };
  try {
    const git = (args: string[]): string => execFileSync('git', args, { cwd: checkout, encoding: 'utf8' }).trim();
    const dirty = git(['status', '--porcelain', '--', 'src']) === '' ? '' : ', src/ with uncommitted changes';
    return `hearth@${version} (${git(['rev-parse', '--short', 'HEAD'])}${dirty})`;
  } catch {
    return `hearth@${version} (${checkout}, not a git checkout)`;
  }
}

function order(name: string): number {
  if (name === 'hearth') return -2;
  if (name === 'hearth-process') return -1;
  return PEERS.indexOf(name as (typeof PEERS)[number]);
}

await main();
