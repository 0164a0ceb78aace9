// `npm run bench [-- --quick] [-- --floor-only] [-- --no-write]`: warm latency, throughput and
// cold starts of a trivial Node function on a real Hearth server, next to the floor (the same
// handler behind a bare node:http server). See docs/benchmarks.md for what each number means.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { nodeEcho } from '../test/support/functions.js';
import { startHearth } from '../test/support/hearth-server.js';
import { createAndWait, lambdaClient, updateConfigurationAndWait } from '../test/support/lambda.js';
import { childEnv, repoRoot } from '../test/support/repo-root.js';
import { InvokeClient, type InvokeTarget } from './invoke-client.js';
import { describeMachine } from './machine.js';
import { writeResults, type BenchResult, type TargetResult } from './results-file.js';
import { SigV4Signer } from './sigv4-signer.js';
import { ms, summarize, type LatencySummary } from './stats.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const floorOnly = args.has('--floor-only');
const write = !args.has('--no-write');
const plan = quick
  ? { warmup: 200, warm: 1_000, throughputCount: 8_000, throughputMs: 4_000, concurrency: 8, cold: 8 }
  : { warmup: 500, warm: 3_000, throughputCount: 20_000, throughputMs: 10_000, concurrency: 8, cold: 20 };
const BODY = Buffer.from(JSON.stringify({ hello: 'bench', n: 1 }));
const FUNCTION = 'bench-echo';

async function main(): Promise<void> {
  // The SDK (used only for setup calls) warns about Node 20 once per process; not news here.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const notes = [
    'Server and floor processes run with the environment minus NODE_EXTRA_CA_CERTS (it adds ~90 ms to every Node start).',
    'Client: node:http keep-alive agent, SigV4 signing per request (cached signing key), in the benchmark process.',
  ];
  for (const note of notes) console.log(`note: ${note}`);
  console.log(`plan: ${JSON.stringify(plan)}`);

  const client = new InvokeClient(plan.concurrency);
  const keys = { accessKeyId: 'BENCHFLOOR', secretAccessKey: 'floor-secret' };
  const floor = await startFloor();
  let floorResult: TargetResult;
  try {
    const target: InvokeTarget = {
      url: floor.url,
      path: `/2015-03-31/functions/${FUNCTION}/invocations`,
      signer: new SigV4Signer(keys, 'us-east-1'),
    };
    floorResult = await measureWarm('floor', client, target);
  } finally {
    floor.child.kill('SIGTERM');
  }

  let hearth: BenchResult['hearth'];
  if (floorOnly) {
    hearth = { error: 'not measured (--floor-only)' };
  } else {
    try {
      hearth = await measureHearth(client);
    } catch (error) {
      hearth = { error: (error as Error).message };
      console.error(`Hearth could not be measured: ${(error as Error).message}`);
    }
  }
  client.close();

  const result: BenchResult = {
    date: new Date().toISOString(),
    command: `npm run bench${args.size > 0 ? ' -- ' + [...args].join(' ') : ''}`,
    quick,
    machine: describeMachine(),
    notes,
    floor: floorResult,
    hearth,
  };
  printTable(result);
  if (write) {
    const written = writeResults(repoRoot(), result);
    console.log(
      `wrote ${path.relative(repoRoot(), written.json)} and updated ${path.relative(repoRoot(), written.markdown)}`,
    );
  }
  if ('error' in hearth && !floorOnly) process.exitCode = 1;
}

async function measureHearth(client: InvokeClient): Promise<TargetResult & { cold: LatencySummary }> {
  const server = await startHearth();
  const sdk = lambdaClient(server);
  try {
    await createAndWait(sdk, {
      FunctionName: FUNCTION,
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Code: { ZipFile: await nodeEcho() },
    });
    const url = new URL(server.endpoint);
    const target: InvokeTarget = {
      url,
      path: `/2015-03-31/functions/${FUNCTION}/invocations`,
      signer: new SigV4Signer(server.credentials, server.region),
    };
    const warm = await measureWarm('hearth', client, target);
    const cold = await measureCold(sdk, client, target);
    return { ...warm, cold };
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${server.output().slice(-2000)}`);
  } finally {
    sdk.destroy();
    await server.stop();
  }
}

async function measureWarm(label: string, client: InvokeClient, target: InvokeTarget): Promise<TargetResult> {
  await client.sequential(target, BODY, plan.warmup);
  const warm = summarize(await client.sequential(target, BODY, plan.warm));
  console.log(`${label}: warm c=1 p50 ${ms(warm.p50)} ms, p99 ${ms(warm.p99)} ms over ${warm.samples}`);
  const run = await client.concurrent(target, BODY, plan.concurrency, plan.throughputCount, plan.throughputMs);
  const perSecond = run.completed / run.seconds;
  const throughput = {
    concurrency: plan.concurrency,
    completed: run.completed,
    seconds: run.seconds,
    perSecond,
    latency: summarize(run.latencies),
  };
  console.log(
    `${label}: ${perSecond.toFixed(0)} invokes/s at c=${plan.concurrency} (${run.completed} in ${run.seconds.toFixed(1)} s)`,
  );
  return { warm, throughput };
}

/** First-invoke latency after an environment change forces a new sandbox. */
async function measureCold(sdk: LambdaClient, client: InvokeClient, target: InvokeTarget): Promise<LatencySummary> {
  const samples: number[] = [];
  for (let i = 0; i < plan.cold; i += 1) {
    await updateConfigurationAndWait(sdk, {
      FunctionName: FUNCTION,
      Environment: { Variables: { COLD_RUN: String(i) } },
    });
    samples.push(await client.invoke(target, BODY));
  }
  const cold = summarize(samples);
  console.log(`hearth: cold start p50 ${ms(cold.p50, 1)} ms, p99 ${ms(cold.p99, 1)} ms over ${cold.samples}`);
  return cold;
}

function startFloor(): Promise<{ child: ChildProcess; url: URL }> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'floor-server.js');
  const child = spawn(process.execPath, [script], { env: childEnv(), stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error('floor server did not start in 10 s')), 10_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const port = /floor listening on (\d+)/.exec(output)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve({ child, url: new URL(`http://127.0.0.1:${port}`) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`floor server exited with ${code}`));
    });
  });
}

function printTable(result: BenchResult): void {
  const rows: string[][] = [['measure', 'floor', 'hearth', 'overhead']];
  const f = result.floor;
  const h = 'error' in result.hearth ? undefined : result.hearth;
  const line = (label: string, floorValue: number, hearthValue: number | undefined, digits = 3): string[] => [
    label,
    ms(floorValue, digits),
    hearthValue === undefined ? '—' : ms(hearthValue, digits),
    hearthValue === undefined ? '—' : ms(hearthValue - floorValue, digits),
  ];
  rows.push(line('warm p50 (ms)', f.warm.p50, h?.warm.p50));
  rows.push(line('warm p99 (ms)', f.warm.p99, h?.warm.p99));
  rows.push([
    `invokes/s c=${plan.concurrency}`,
    f.throughput.perSecond.toFixed(0),
    h ? h.throughput.perSecond.toFixed(0) : '—',
    h ? `${((100 * h.throughput.perSecond) / f.throughput.perSecond).toFixed(0)} % of floor` : '—',
  ]);
  rows.push(line(`p99 at c=${plan.concurrency} (ms)`, f.throughput.latency.p99, h?.throughput.latency.p99));
  rows.push(['cold p50 (ms)', '—', h ? ms(h.cold.p50, 1) : '—', '—']);
  rows.push(['cold p99 (ms)', '—', h ? ms(h.cold.p99, 1) : '—', '—']);
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  console.log('');
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  if ('error' in result.hearth) console.log(`\nhearth: ${result.hearth.error.split('\n')[0]}`);
  const m = result.machine;
  console.log(`\nmachine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.platform} ${m.kernel}, Node ${m.node}`);
}

await main();
