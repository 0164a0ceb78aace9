// The composition root: config → storage → services → HTTP server. The only place that chooses
// backends and wires services together. Shutdown runs in reverse: stop intake, let running
// invocations finish (bounded), stop sandboxes, flush logs, close the store.
import { mkdir } from 'node:fs/promises';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import {
  combineResolvers,
  loadOperatorCredentials,
  SessionCredentials,
  staticCredentials,
} from './api/auth/credentials.js';
import type { Route } from './api/route.js';
import { accountSettingsRoutes } from './api/routes/account-settings.js';
import { codeDownloadRoutes } from './api/routes/code-download.js';
import { eventInvokeConfigRoutes } from './api/routes/event-invoke-config.js';
import { functionRoutes } from './api/routes/functions.js';
import { invokeRoutes } from './api/routes/invoke.js';
import { layerRoutes } from './api/routes/layers.js';
import { logRoutes } from './api/routes/logs.js';
import { metricsRoutes } from './api/routes/metrics.js';
import { tagRoutes } from './api/routes/tags.js';
import { createApiServer } from './api/server.js';
import { AsyncIntake } from './async-invoke/async-intake.js';
import { asyncMetrics, asyncQueueGauges } from './async-invoke/async-metrics.js';
import { AsyncPoller } from './async-invoke/async-poller.js';
import { Destinations } from './async-invoke/destinations.js';
import { scaledDelays } from './async-invoke/retry-policy.js';
import { CodeStore } from './code-store/code-store.js';
import type { Config } from './config/config.js';
import { CodeUrlSigner } from './control-plane/code-url-signer.js';
import { EventInvokeConfigService } from './control-plane/event-invoke-config-service.js';
import type { FunctionRecord } from './control-plane/function-record.js';
import { FunctionService } from './control-plane/function-service.js';
import { LayerPolicyService } from './control-plane/layer-policy-service.js';
import { LayerResolver } from './control-plane/layer-resolver.js';
import { LayerService } from './control-plane/layer-service.js';
import { FrontEnd } from './frontend/front-end.js';
import { LogSink } from './observability/log-sink.js';
import { MetricsRegistry } from './observability/metrics.js';
import { LocalPlacement } from './placement/placement.js';
import { chooseSandboxDriver } from './sandbox/choose-driver.js';
import {
  checkRuntime,
  describeInterpreters,
  launchFor,
  SUPPORTED_RUNTIMES,
  type Interpreters,
} from './runtimes/runtime-catalog.js';
import { DEFAULT_PRIMED_NODE, primedRuntimes } from './runtimes/primed-runtimes.js';
import type { LaunchTemplate } from './sandbox/pool/pool-template.js';
import type { FunctionStore } from './storage/ports.js';
import { openSqliteStorage } from './storage/sqlite/sqlite-storage.js';
import { capacityGauges, capacityMetrics } from './worker-manager/capacity-metrics.js';
import { Provisioner } from './worker-manager/provisioner.js';
import { WorkerManager } from './worker-manager/worker-manager.js';

export interface RunningHearth {
  readonly url: string;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly log: (line: string) => void;
}

export async function startHearth(config: Config, options: StartOptions): Promise<RunningHearth> {
  const { log } = options;
  // Function environments (often secrets) and credentials live here: owner-only.
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const account = { region: config.region, accountId: config.accountId };
  const interpreters: Interpreters = { node: config.nodeBinary, python: config.pythonBinary };

  const operator = await loadOperatorCredentials(config.dataDir, {
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
  });
  const sessions = new SessionCredentials();
  const credentials = combineResolvers(staticCredentials(operator), sessions);

  const storage = openSqliteStorage(path.join(config.dataDir, 'hearth.db'), {
    logRetentionEvents: config.logRetentionEvents,
    logsInWorker: true,
  });
  const code = await CodeStore.open(path.join(config.dataDir, 'code'));
  const logSink = new LogSink(storage.logs, { onWarning: log });

  // The API URL is known only once the server listens (port 0 picks one); sandboxes read it lazily.
  let apiUrl = `http://${config.host}:${config.port}`;
  // Isolated sandboxes have their own network: they reach Hearth's API on their own Runtime API
  // socket (AWS_ENDPOINT_URL=http://127.0.0.1:9001 there), whose server hands such requests here.
  const sandboxApi: { server?: http.Server } = {};
  const sandboxes = await chooseSandboxDriver({
    mode: config.isolation,
    dataDir: config.dataDir,
    hearthApi: (request, response) => {
      if (sandboxApi.server !== undefined) sandboxApi.server.emit('request', request, response);
      else response.writeHead(503).end();
    },
    freezeIdle: config.freezeIdle,
    poolSize: config.poolSize,
    prime: () => runtimesToPrime(storage.functions, interpreters),
    log,
  });
  const driver = sandboxes.driver;
  // A function's layers, merged in order into one content-addressed tree (seen at /opt).
  const layersDirFor = (fn: FunctionRecord): Promise<string | undefined> =>
    fn.layers === undefined || fn.layers.length === 0
      ? Promise.resolve(undefined)
      : code.mergedTree(fn.layers.map((layer) => layer.codeSha256));
  const metrics = new MetricsRegistry();
  const workers = new WorkerManager({
    placement: new LocalPlacement(driver),
    logs: logSink,
    launchFor: (runtime) => launchFor(runtime, interpreters),
    layersDirFor,
    issueCredentials: (_functionName) => {
      const issued = sessions.issue();
      return Promise.resolve({
        ...issued,
        sessionToken: issued.sessionToken ?? '',
        revoke: () => sessions.revoke(issued.accessKeyId),
      });
    },
    region: config.region,
    endpointUrl: () => apiUrl,
    idleTimeoutSeconds: config.idleTimeoutSeconds,
    maxSandboxes: config.maxSandboxes,
    sandboxMemoryMb: config.sandboxMemoryMb,
    queueLength: config.queueLength,
    queueWaitMs: config.queueWaitMs,
    scalingRate: config.scalingRate,
    metrics: capacityMetrics(metrics),
    ...(sandboxes.poolReclaim !== undefined ? { pool: sandboxes.poolReclaim } : {}),
  });
  capacityGauges(metrics, () => workers.capacity());
  // Async invocation (docs/async.md): the front end commits Event invocations through the intake;
  // the pollers run them through the front end again, like any synchronous invoke.
  const asyncCounters = asyncMetrics(metrics);
  const queueGauges = asyncQueueGauges(metrics, storage.asyncEvents, (error) => log(`async queue: ${String(error)}`));
  const intake = new AsyncIntake(storage.asyncEvents, asyncCounters, () => poller.accepted());
  const frontEnd = new FrontEnd({
    events: intake,
    functions: storage.functions,
    codeDirFor: (sha) => code.treeDir(sha),
    workers,
    account,
    accountConcurrency: config.accountConcurrency,
    onPlatformError: (error) =>
      log(`platform error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  const poller = new AsyncPoller({
    queue: storage.asyncEvents,
    invoker: frontEnd,
    configs: storage.eventInvokeConfigs,
    reservedConcurrency: (name) => storage.functions.reservedConcurrency(name),
    destinations: new Destinations(frontEnd, account),
    metrics: asyncCounters,
    delays: scaledDelays(config.asyncRetryScale),
    slots: config.asyncConcurrency,
    onError: (error) => log(`async poller: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
  });
  const provisioner = new Provisioner({
    store: storage.functions,
    workers,
    codeDirFor: (sha) => code.treeDir(sha),
    onError: (error) => log(`provisioned concurrency: ${String(error)}`),
  });
  const functions = new FunctionService({
    store: storage.functions,
    code,
    account,
    supportedRuntimes: SUPPORTED_RUNTIMES,
    checkRuntime: (runtime) => checkRuntime(runtime, interpreters),
    layers: new LayerResolver(storage.layers, account),
    prepare: async (record) => void (await layersDirFor(record)),
    log,
    concurrencyLimits: { accountConcurrency: config.accountConcurrency, minimumUnreserved: config.minimumUnreserved },
    onChanged: (name) => void frontEnd.forget(name),
    onRoutingChanged: (name) => frontEnd.refresh(name),
    provisioning: provisioner,
    onDeleted: (name) => {
      void frontEnd.forget(name);
      void storage.eventInvokeConfigs.deleteEventInvokeConfigs(name);
      void storage.logs.deleteFunction(name);
    },
  });

  await functions.resumePending();
  await provisioner.start();
  const codeUrls = CodeUrlSigner.fromSecret(operator.secretAccessKey);
  const layers = new LayerService({ store: storage.layers, code, account });
  const layerPolicies = new LayerPolicyService({ store: storage.layers, layers, account });
  const routes: Route[] = [
    ...invokeRoutes(frontEnd),
    ...eventInvokeConfigRoutes(
      new EventInvokeConfigService({ store: storage.eventInvokeConfigs, functions: storage.functions, account }),
      account,
    ),
    ...functionRoutes(functions, codeUrls),
    ...tagRoutes(functions.tags),
    ...layerRoutes(layers, layerPolicies, codeUrls),
    ...accountSettingsRoutes(functions),
    ...codeDownloadRoutes(code, codeUrls),
    ...logRoutes(logSink, storage.functions, account),
    ...metricsRoutes(metrics),
  ];
  const api = createApiServer({ routes, credentials, region: config.region });
  sandboxApi.server = api;

  await listen(api, (done) => api.listen(config.port, config.host, done));
  const { port } = api.address() as AddressInfo;
  apiUrl = `http://${config.host}:${port}`;

  log(`Hearth ${config.dataDir} — sandboxes: ${sandboxes.description}`);
  log(`capacity: ${config.sandboxMemoryMb} MB for sandboxes, at most ${config.maxSandboxes} of them`);
  sandboxes.fillPools?.(workers.poolRoom());
  await poller.start();
  for (const line of await describeInterpreters(interpreters)) log(`runtime: ${line}`);

  let closing: Promise<void> | undefined;
  return {
    url: apiUrl,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => api.close(() => resolve()));
        api.closeIdleConnections();
        // Pollers first: running events finish (bounded), the rest stay queued for the next start.
        const graceEnds = Date.now() + config.shutdownGraceSeconds * 1000;
        await poller.stop(config.shutdownGraceSeconds * 1000);
        await frontEnd.drain(Math.max(0, graceEnds - Date.now()));
        api.closeAllConnections();
        await stopped;
        await functions.settled();
        await workers.shutdown();
        await driver.close?.();
        await logSink.close();
        queueGauges.stop();
        await storage.close();
      })();
      return closing;
    },
  };
}

function listen(server: http.Server, start: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    start(() => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * The pools to fill at start-up (runtimes/primed-runtimes.ts), from the runtimes of the functions
 * in the store; a runtime whose interpreter this host lacks is left out (its functions cannot run).
 */
async function runtimesToPrime(
  functions: FunctionStore,
  interpreters: Interpreters,
): Promise<Array<{ name: string; launch: LaunchTemplate }>> {
  const stored: string[] = [];
  for (let after: string | undefined; ;) {
    const page = await functions.list(after, 1000);
    stored.push(...page.map((fn) => fn.runtime));
    if (page.length < 1000) break;
    after = page[page.length - 1]!.name;
  }
  const primed: Array<{ name: string; launch: LaunchTemplate }> = [];
  for (const name of primedRuntimes(stored)) {
    if (name !== DEFAULT_PRIMED_NODE && (await checkRuntime(name, interpreters)) !== undefined) continue;
    primed.push({ name, launch: launchFor(name, interpreters) });
  }
  return primed;
}
