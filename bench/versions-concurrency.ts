// Hearth only (issue 4): does admission or routing cost the warm path anything, and does an invoke
// served by provisioned concurrency skip the init? One server (isolated sandboxes, as `hearth`),
// functions set up with the AWS SDK, invokes through the benchmark's one client:
// - admission and routing: the same echo handler invoked as $LATEST without concurrency settings
//   (the baseline), a second identical function (an A/A control), with reserved concurrency, as a
//   published version, through an alias, through an alias with weighted routing, and through an
//   alias with provisioned concurrency, in interleaved rounds (admission-compare.ts compares);
// - provisioned start: PutProvisionedConcurrencyConfig until READY, then the first invoke and its
//   REPORT line, next to the first (cold) invoke of a function without it.
import {
  CreateAliasCommand,
  DeleteProvisionedConcurrencyConfigCommand,
  GetFunctionConfigurationCommand,
  GetProvisionedConcurrencyConfigCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  PutProvisionedConcurrencyConfigCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { setTimeout as delay } from 'node:timers/promises';
import { compareToBaseline, roundOrder, type VariantSamples } from './admission-compare.js';
import type { InvokeClient, InvokeTarget } from './invoke-client.js';
import { decodeLogResult } from './cold-starts.js';
import { BODY, log, phases } from './measure.js';
import { hasInitDuration, reportLineOf } from './report-line.js';
import { ms, summarize } from './stats.js';
import { startHearthTarget, type RunningHearth } from './targets/hearth-target.js';
import type { AdmissionRoutingResult, ProvisionedStartResult } from './versions-result.js';

export interface VersionsPlan {
  readonly warmup: number;
  readonly rounds: number;
  readonly perRound: number;
  readonly provisionedSamples: number;
  readonly gapMs: number;
}

export function versionsPlanFor(quick: boolean): VersionsPlan {
  return quick
    ? { warmup: 100, rounds: 4, perRound: 150, provisionedSamples: 5, gapMs: 250 }
    : { warmup: 300, rounds: 12, perRound: 400, provisionedSamples: 10, gapMs: 250 };
}

interface Variant {
  readonly name: string;
  readonly fn: string;
  readonly qualifier?: string;
  /** Configures the function through the SDK before any invoke. */
  readonly setup?: (sdk: LambdaClient, fn: string) => Promise<void>;
}

/** The A/A control: the second row, an identical function invoked the same way as the baseline. */
const CONTROL_INDEX = 1;

const VARIANTS: readonly Variant[] = [
  { name: '$LATEST, no concurrency settings (baseline)', fn: 'adm-plain' },
  { name: 'A/A control: a second identical function', fn: 'adm-plain-again' },
  {
    name: '$LATEST with reserved concurrency 10',
    fn: 'adm-reserved',
    setup: async (sdk, fn) => {
      await sdk.send(new PutFunctionConcurrencyCommand({ FunctionName: fn, ReservedConcurrentExecutions: 10 }));
    },
  },
  { name: 'published version', fn: 'adm-version', qualifier: '1', setup: (sdk, fn) => publish(sdk, fn) },
  {
    name: 'alias → version',
    fn: 'adm-alias',
    qualifier: 'live',
    setup: async (sdk, fn) => {
      await publish(sdk, fn);
      await sdk.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '1' }));
    },
  },
  {
    name: 'alias with weighted routing (versions 1 and 2, 50 % each)',
    fn: 'adm-weighted',
    qualifier: 'canary',
    setup: async (sdk, fn) => {
      await publish(sdk, fn);
      await sdk.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: { VERSION_MARK: '2' } } }),
      );
      await waitUpdated(sdk, fn);
      await publish(sdk, fn);
      await sdk.send(
        new CreateAliasCommand({
          FunctionName: fn,
          Name: 'canary',
          FunctionVersion: '1',
          RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
        }),
      );
    },
  },
  {
    name: 'alias with provisioned concurrency 1 (READY)',
    fn: 'adm-provisioned',
    qualifier: 'live',
    setup: async (sdk, fn) => {
      await publish(sdk, fn);
      await sdk.send(new CreateAliasCommand({ FunctionName: fn, Name: 'live', FunctionVersion: '1' }));
      await putProvisioned(sdk, fn, 'live');
    },
  },
];

export interface VersionsMeasurement {
  readonly admission?: AdmissionRoutingResult;
  readonly provisionedStart?: ProvisionedStartResult;
  readonly phaseErrors?: Readonly<Record<string, string>>;
}

export async function measureVersionsAndConcurrency(
  client: InvokeClient,
  quick: boolean,
): Promise<VersionsMeasurement> {
  const plan = versionsPlanFor(quick);
  const pcFunctions = Array.from({ length: plan.provisionedSamples }, (_, i) => `pc-start${i}`);
  const coldFunctions = Array.from({ length: plan.provisionedSamples }, (_, i) => `od-cold${i}`);
  const running = await startHearthTarget(
    { functions: [...VARIANTS.map((v) => v.fn), ...pcFunctions, ...coldFunctions] },
    'auto',
  );
  const { attempt, phaseErrors } = phases('hearth');
  try {
    const admission = await attempt('admission', () => measureAdmission(client, running, plan));
    const provisionedStart = await attempt('provisionedStart', () =>
      measureProvisionedStart(client, running, plan, pcFunctions, coldFunctions),
    );
    return {
      ...(admission ? { admission } : {}),
      ...(provisionedStart ? { provisionedStart } : {}),
      ...(Object.keys(phaseErrors).length > 0 ? { phaseErrors } : {}),
    };
  } finally {
    await running.stop();
  }
}

async function measureAdmission(
  client: InvokeClient,
  running: RunningHearth,
  plan: VersionsPlan,
): Promise<AdmissionRoutingResult> {
  for (const variant of VARIANTS) await variant.setup?.(running.sdk, variant.fn);
  const targets = VARIANTS.map((variant) => qualified(running.invokeTarget(variant.fn), variant.qualifier));
  for (const target of targets) await client.sequential(target, BODY, plan.warmup);
  const rounds: number[][][] = VARIANTS.map(() => []);
  for (let round = 0; round < plan.rounds; round += 1) {
    for (const index of roundOrder(VARIANTS.length, round)) {
      rounds[index]!.push(await client.sequential(targets[index]!, BODY, plan.perRound));
    }
  }
  const samples: VariantSamples[] = VARIANTS.map((variant, i) => ({
    name: variant.name,
    invoked: variant.qualifier === undefined ? variant.fn : `${variant.fn}:${variant.qualifier}`,
    rounds: rounds[i]!,
  }));
  const comparison = compareToBaseline(samples, CONTROL_INDEX);
  for (const row of comparison.rows) {
    log(
      'hearth',
      `warm ${row.invoked}: p50 ${ms(row.latency.p50)} p99 ${ms(row.latency.p99)} ms, Δp50 ${ms(row.deltaP50)} (${row.verdictP50})`,
    );
  }
  return { ...comparison, rounds: plan.rounds, perRound: plan.perRound };
}

async function measureProvisionedStart(
  client: InvokeClient,
  running: RunningHearth,
  plan: VersionsPlan,
  pcFunctions: readonly string[],
  coldFunctions: readonly string[],
): Promise<ProvisionedStartResult> {
  const readyAfter: number[] = [];
  const provisioned: number[] = [];
  const onDemand: number[] = [];
  let provisionedWithInit = 0;
  let onDemandWithInit = 0;
  let provisionedReport = '';
  let onDemandReport = '';
  const tail = { 'x-amz-log-type': 'Tail' };
  for (let i = 0; i < pcFunctions.length; i += 1) {
    const fn = pcFunctions[i]!;
    await publish(running.sdk, fn);
    readyAfter.push(await putProvisioned(running.sdk, fn, '1'));
    await delay(plan.gapMs);
    const first = await client.send({ ...qualified(running.invokeTarget(fn), '1'), headers: tail }, BODY);
    const pcReport = reportLineOf(decodeLogResult(first.headers['x-amz-log-result']));
    provisioned.push(first.ms);
    if (hasInitDuration(pcReport)) provisionedWithInit += 1;
    provisionedReport ||= pcReport ?? '(no REPORT line in the log tail)';
    // Its sandbox goes, so the next function's configuration has the same room.
    await running.sdk.send(new DeleteProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: '1' }));

    await delay(plan.gapMs);
    const cold = await client.send({ ...running.invokeTarget(coldFunctions[i]!), headers: tail }, BODY);
    const odReport = reportLineOf(decodeLogResult(cold.headers['x-amz-log-result']));
    onDemand.push(cold.ms);
    if (hasInitDuration(odReport)) onDemandWithInit += 1;
    onDemandReport ||= odReport ?? '(no REPORT line in the log tail)';
  }
  const result: ProvisionedStartResult = {
    samples: pcFunctions.length,
    readyAfter: summarize(readyAfter),
    provisionedFirst: summarize(provisioned),
    provisionedWithInitDuration: provisionedWithInit,
    onDemandFirst: summarize(onDemand),
    onDemandWithInitDuration: onDemandWithInit,
    provisionedReport,
    onDemandReport,
  };
  log(
    'hearth',
    `first invoke with provisioned concurrency p50 ${ms(result.provisionedFirst.p50, 1)} ms (Init Duration in ${provisionedWithInit}/${result.samples}); on-demand cold p50 ${ms(result.onDemandFirst.p50, 1)} ms (Init Duration in ${onDemandWithInit}/${result.samples})`,
  );
  return result;
}

function qualified(target: InvokeTarget, qualifier: string | undefined): InvokeTarget {
  return qualifier === undefined ? target : { ...target, path: `${target.path}?Qualifier=${qualifier}` };
}

async function publish(sdk: LambdaClient, fn: string): Promise<void> {
  await sdk.send(new PublishVersionCommand({ FunctionName: fn }));
}

/** Puts provisioned concurrency 1 and polls until READY; resolves to the milliseconds it took. */
async function putProvisioned(sdk: LambdaClient, fn: string, qualifier: string): Promise<number> {
  const started = performance.now();
  await sdk.send(
    new PutProvisionedConcurrencyConfigCommand({
      FunctionName: fn,
      Qualifier: qualifier,
      ProvisionedConcurrentExecutions: 1,
    }),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = await sdk.send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: fn, Qualifier: qualifier }));
    if (got.Status === 'READY') return performance.now() - started;
    if (got.Status === 'FAILED' || Date.now() > deadline) {
      throw new Error(`provisioned concurrency of ${fn}:${qualifier} is ${got.Status}: ${got.StatusReason ?? ''}`);
    }
    await delay(20);
  }
}

/** Polls until an UpdateFunctionConfiguration has completed. */
async function waitUpdated(sdk: LambdaClient, fn: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const got = await sdk.send(new GetFunctionConfigurationCommand({ FunctionName: fn }));
    if (got.LastUpdateStatus === 'Successful') return;
    if (got.LastUpdateStatus === 'Failed' || Date.now() > deadline) {
      throw new Error(`${fn} update ${got.LastUpdateStatus}: ${got.LastUpdateStatusReason ?? ''}`);
    }
    await delay(20);
  }
}
