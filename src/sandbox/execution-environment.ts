// One execution environment: its process (through the SandboxDriver), its own Runtime API server,
// its log capture, and its life as the state machine in environment-state.ts.
// Init: done at the first GET /next; failed on /init/error, process exit or the init deadline.
// Lambda gives on-demand init 10 s and, past that, retries init inside the first invoke with the
// function's timeout (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html).
// Hearth simplifies: one init attempt with a deadline of max(10 s, Timeout), reported as
// Sandbox.Timedout past it. A failed init is reported as the outcome of the invoke that caused
// it, and the environment is discarded (the next invoke starts a fresh one).
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import type { LogSink } from '../observability/log-sink.js';
import { InvocationLog, type LogLine } from '../observability/invocation-log.js';
import { splitLines } from '../observability/line-splitter.js';
import { endLine, reportLine, startLine } from '../observability/platform-lines.js';
import { RuntimeApiServer, type RuntimeApiEvents } from '../runtime-api/runtime-api-server.js';
import { TraceIds } from '../runtime-api/trace-id.js';
import { next, type EnvironmentEvent, type EnvironmentState } from './environment-state.js';
import { exitReason } from './exit-reason.js';
import type { SandboxDriver, SandboxExit, SandboxProcess, SandboxSpec } from './sandbox-driver.js';
import { reportStatus, type SandboxInvocation, type SandboxResult, type SandboxRun } from './sandbox-result.js';
import type { InitializationType } from './sandbox-environment.js';

export const ON_DEMAND_INIT_SECONDS = 10;
const EARLIER_LINES_KEPT = 64;
/** How long a dead runtime's last stderr may take to arrive through the pipes. */
const EXIT_OUTPUT_GRACE_MS = 200;
/** How long output that is still streaming in after a result may delay finishing the invocation. */
const OUTPUT_SETTLE_MS = 50;
/** The peak memory is read (a /proc or cgroup file) at most this often; a busy sandbox's REPORT
 *  may show a peak up to this old. Reading it on every invoke was ~5% of the server's CPU. */
const MEMORY_SAMPLE_MS = 100;
/**
 * An idle sandbox is frozen once it has been idle this long, not at once: freezing and thawing a
 * cgroup costs ~0.4 ms of an invoke that follows right away (measured, cgroup v1), so a busy
 * function stays thawed between back-to-back invocations and an idle one is frozen 100 ms after
 * its last answer (docs/isolation.md).
 */
export const FREEZE_AFTER_IDLE_MS = 100;
/**
 * The deadline an unbounded invocation (hearth:timeout=none) reports to the runtime: 24 h ahead, so
 * getRemainingTimeInMillis() stays positive and below setTimeout's 2^31 ms limit.
 */
export const UNBOUNDED_DEADLINE_MS = 24 * 60 * 60 * 1000;
/** What an invocation cancelled by its caller reports (the caller is gone and never sees it). */
export const CANCELLED_REASON = 'Invocation cancelled: the caller disconnected';

export interface EnvironmentSettings {
  readonly functionName: string;
  readonly version: string;
  readonly memorySizeMb: number;
  readonly timeoutSeconds: number;
  /**
   * hearth:timeout=none: an invocation given the caller's signal runs with no Timeout and is
   * cancelled when the signal aborts; one without a signal (no caller connection) keeps the Timeout.
   */
  readonly unboundedTimeout?: boolean;
  readonly logStreamName: string;
  /**
   * `provisioned-concurrency`: init runs ahead of any invoke, so no invoke reports its Init
   * Duration or carries its output in the log tail (both stay in the log stream). Default on-demand.
   */
  readonly initializationType?: InitializationType;
  /** Defaults to max(10 s, Timeout). */
  readonly initTimeoutMs?: number;
  readonly maxOutputBytes?: number;
  /** Everything of the SandboxSpec but the Runtime API, which this environment owns. */
  readonly spec: Omit<SandboxSpec, 'runtimeApi'>;
}

export interface EnvironmentDeps {
  readonly driver: SandboxDriver;
  readonly logs: LogSink;
  /** Called once when the environment is gone (destroyed, crashed, timed out). */
  readonly onGone?: () => void;
}

interface Running {
  readonly requestId: string;
  readonly log: InvocationLog;
  readonly startedAt: number;
  settled: boolean;
  readonly resolve: (run: SandboxRun) => void;
}

type InitWait = { kind: 'ready' } | { kind: 'failed'; result: SandboxResult };

export class ExecutionEnvironment implements RuntimeApiEvents {
  private currentState: EnvironmentState = 'starting';
  private readonly api = new RuntimeApiServer(this);
  private readonly traceIds = new TraceIds();
  private process: SandboxProcess | undefined;
  /** The driver's hook for the first answer (SandboxProcess.firstInvocationEnded); cleared once called. */
  private firstInvocationEnded: (() => void) | undefined;
  private initWaiter: ((wait: InitWait) => void) | undefined;
  private initDurationMs: number | undefined;
  /** Pending freeze of the idle sandbox (FREEZE_AFTER_IDLE_MS), and whether it is frozen now. */
  private freezeTimer: NodeJS.Timeout | undefined;
  private frozen = false;
  private failure: SandboxResult | undefined;
  private running: Running | undefined;
  private earlierLines: string[] = [];
  /**
   * Whether output between invocations goes into the next invocation's log tail. Not before the
   * first invocation of a provisioned environment: its init output may still be on its way through
   * the pipe after the runtime asked for its first event, and it belongs to no invocation.
   */
  private earlierToTail: boolean;
  private peakMemoryMb = 0;
  private memorySampledAt = -Infinity;
  private streamsEnded: Promise<unknown> = Promise.resolve();
  private destroying: Promise<void> | undefined;
  private exitedReason: string | undefined;
  /** Lines of output read so far; tells whether output is still arriving. */
  private outputLines = 0;
  /**
   * The invocation deadline: one timer per sandbox, re-armed (refresh) as each invocation starts
   * instead of a new timer per invocation. It fires Timeout after the latest start; a firing with
   * nothing running (the invocation ended) is ignored.
   */
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly settings: EnvironmentSettings,
    private readonly deps: EnvironmentDeps,
  ) {
    this.earlierToTail = settings.initializationType !== 'provisioned-concurrency';
  }

  get id(): string {
    return this.settings.spec.id;
  }

  get state(): EnvironmentState {
    return this.currentState;
  }

  /** Why the environment failed (right after start(): why init failed); undefined while it has not. */
  get initFailure(): SandboxResult | undefined {
    return this.failure;
  }

  /** Starts the runtime and waits for init. Never rejects for the function's own failures (they
   *  become the next invoke's result); rejects only when the platform cannot start a sandbox. */
  async start(): Promise<void> {
    const startedAt = performance.now();
    try {
      this.process = await this.deps.driver.start({ ...this.settings.spec, runtimeApi: this.api });
      this.firstInvocationEnded = this.process.firstInvocationEnded;
    } catch (error) {
      this.move('InitFailed');
      await this.destroy();
      throw error;
    }
    const process = this.process;
    if (this.currentState !== 'starting') {
      // Retired (shutdown) while the driver was starting it.
      await process.destroy();
      throw new Error(`Sandbox ${this.id} was retired while starting`);
    }
    this.move('ProcessStarted');
    splitLines(process.stdout, (line) => this.onOutput(line));
    splitLines(process.stderr, (line) => this.onOutput(line));
    this.streamsEnded = Promise.all([once(process.stdout, 'close'), once(process.stderr, 'close')]).catch(
      () => undefined,
    );
    void process.exited.then((exit) => this.onExit(exit));

    const initTimeoutMs =
      this.settings.initTimeoutMs ?? Math.max(ON_DEMAND_INIT_SECONDS, this.settings.timeoutSeconds) * 1000;
    let timer: NodeJS.Timeout | undefined;
    const wait = await new Promise<InitWait>((resolve) => {
      this.initWaiter = resolve;
      timer = setTimeout(
        () => resolve({ kind: 'failed', result: { kind: 'timeout', timeoutSeconds: this.settings.timeoutSeconds } }),
        initTimeoutMs,
      );
    });
    clearTimeout(timer);
    this.initWaiter = undefined;
    // destroy() may have run while init was pending (shutdown, eviction).
    if (this.stateNow() !== 'initialising') throw new Error(`Sandbox ${this.id} was retired during init`);
    if (wait.kind === 'ready') {
      if (this.settings.initializationType !== 'provisioned-concurrency')
        this.initDurationMs = performance.now() - startedAt;
      // Init ran unthrottled; invocations get the driver's invoke-time limits (CPU share).
      await process.initialised?.();
      if (this.stateNow() !== 'initialising') throw new Error(`Sandbox ${this.id} was retired during init`);
      this.move('InitCompleted');
      return;
    }
    this.failure = wait.result;
    this.move('InitFailed');
    if (wait.result.kind === 'exit') await this.outputDrained();
    void this.destroy();
  }

  /** Runs one invocation. Call only on an idle environment, or on one whose init failed (the
   *  init failure is then this invocation's result). */
  invoke(invocation: SandboxInvocation): Promise<SandboxRun> {
    const log = new InvocationLog(
      invocation.requestId,
      (line) => this.emit(line),
      invocation.keepTail,
      this.settings.maxOutputBytes,
    );
    for (const line of this.earlierLines) log.earlier(line);
    this.earlierLines = [];
    this.earlierToTail = true;
    log.platform(startLine(invocation.requestId, this.settings.version));
    if (this.currentState !== 'idle') {
      const result = this.failure ?? { kind: 'exit', phase: 'invoke', reason: exitReason({ code: 0, signal: null }) };
      return this.report(log, invocation.requestId, 0, result);
    }
    this.move('InvokeAssigned');
    clearTimeout(this.freezeTimer);
    if (this.frozen) {
      this.frozen = false;
      this.process?.setFrozen?.(false);
    }
    return new Promise<SandboxRun>((resolve) => {
      const signal = this.settings.unboundedTimeout === true ? invocation.signal : undefined;
      const timeoutMs = signal !== undefined ? UNBOUNDED_DEADLINE_MS : this.settings.timeoutSeconds * 1000;
      this.running = {
        requestId: invocation.requestId,
        log,
        startedAt: performance.now(),
        settled: false,
        resolve,
      };
      if (signal === undefined) this.armDeadline(timeoutMs);
      else {
        clearTimeout(this.deadlineTimer);
        this.deadlineTimer = undefined;
        const cancel = (): void => this.onCancelled(invocation.requestId);
        if (signal.aborted) setImmediate(cancel);
        else signal.addEventListener('abort', cancel, { once: true });
      }
      const now = Date.now();
      this.api.deliver({
        requestId: invocation.requestId,
        payload: invocation.payload,
        deadlineMs: now + timeoutMs,
        invokedFunctionArn: invocation.invokedFunctionArn,
        traceId: this.traceIds.next(now),
        clientContext: invocation.clientContext,
      });
    });
  }

  /** Freezes the sandbox once it has been idle for FREEZE_AFTER_IDLE_MS (a new invocation cancels it). */
  private scheduleFreeze(): void {
    const process = this.process;
    if (process?.setFrozen === undefined) return;
    clearTimeout(this.freezeTimer);
    this.freezeTimer = setTimeout(() => {
      if (this.currentState !== 'idle') return;
      this.frozen = true;
      process.setFrozen?.(true);
    }, FREEZE_AFTER_IDLE_MS);
    this.freezeTimer.unref();
  }

  private armDeadline(timeoutMs: number): void {
    const timer = this.deadlineTimer;
    if (timer !== undefined) {
      timer.refresh();
      return;
    }
    this.deadlineTimer = setTimeout(() => this.onTimeout(), timeoutMs);
    // The Runtime API server keeps the process alive while an invocation runs.
    this.deadlineTimer.unref();
  }

  destroy(): Promise<void> {
    if (this.destroying !== undefined) return this.destroying;
    clearTimeout(this.freezeTimer);
    clearTimeout(this.deadlineTimer);
    if (this.currentState !== 'resetting' && this.currentState !== 'gone') this.move('Retired');
    this.destroying = (async () => {
      // The runtime goes first: with its Runtime API closed under it, a live runtime would log
      // connection errors into the function's logs before the kill reached it.
      await this.process?.destroy();
      await this.api.close();
      this.move('Destroyed');
      this.deps.onGone?.();
    })();
    return this.destroying;
  }

  /**
   * Destroys the environment (destroy()) and resolves as soon as every process of it was killed:
   * what a start that evicted it waits for. destroy() may still be waiting for them to exit and
   * releasing the driver's resources (an isolated sandbox's cgroup and /tmp disk) then.
   */
  destroyProcesses(): Promise<void> {
    const destroyed = this.destroy();
    return this.process?.processesKilled?.() ?? destroyed;
  }

  // --- RuntimeApiEvents -------------------------------------------------------------------------

  nextRequested(): void {
    this.initWaiter?.({ kind: 'ready' });
  }

  responded(requestId: string, body: Buffer): void {
    this.complete(requestId, { kind: 'success', payload: body });
  }

  errored(requestId: string, errorType: string, payload: Buffer): void {
    this.complete(requestId, { kind: 'function-error', errorType, payload });
  }

  responseTooLarge(requestId: string): void {
    this.complete(requestId, { kind: 'response-too-large' });
  }

  initFailed(errorType: string, payload: Buffer): void {
    this.initWaiter?.({ kind: 'failed', result: { kind: 'init-error', errorType, payload } });
  }

  // --- internals --------------------------------------------------------------------------------

  private complete(requestId: string, result: SandboxResult): void {
    const running = this.running;
    if (running === undefined || running.requestId !== requestId || running.settled) return;
    running.settled = true;
    const durationMs = performance.now() - running.startedAt;
    // The runtime wrote its log lines to stdout BEFORE posting the result, but they come on another
    // fd. A setImmediate lets the poll phase deliver pipe data that was already written; while
    // output keeps arriving (a runtime that writes stdout asynchronously), wait a few more turns.
    const deadline = performance.now() + OUTPUT_SETTLE_MS;
    let seen = this.outputLines;
    const settle = (): void => {
      if (this.outputLines !== seen && performance.now() < deadline) {
        seen = this.outputLines;
        setImmediate(settle);
        return;
      }
      this.running = undefined;
      if (this.currentState === 'busy') {
        this.move('InvokeCompleted');
        // Nothing of the function runs while it is idle (timers, unawaited work), as on Lambda.
        this.scheduleFreeze();
      }
      if (this.exitedReason !== undefined && this.currentState === 'idle') {
        this.failure = { kind: 'exit', phase: 'invoke', reason: this.exitedReason };
        void this.destroy();
      }
      void this.report(running.log, requestId, durationMs, result).then((run) => {
        running.resolve(run);
        const ended = this.firstInvocationEnded;
        this.firstInvocationEnded = undefined;
        // After the caller's answer is on its way (its awaits are microtasks, this a later turn).
        if (ended !== undefined) setImmediate(ended);
      });
    };
    setImmediate(settle);
  }

  private onTimeout(): void {
    this.abandon({ kind: 'timeout', timeoutSeconds: this.settings.timeoutSeconds });
  }

  /** The caller of an unbounded invocation went away: stop it and reset the sandbox. */
  private onCancelled(requestId: string): void {
    const running = this.running;
    if (running?.requestId !== requestId || running.settled) return;
    running.log.platform(`RequestId: ${requestId} ${CANCELLED_REASON}`);
    this.abandon({ kind: 'exit', phase: 'invoke', reason: CANCELLED_REASON });
  }

  /** Ends the running invocation with `result` and destroys the sandbox (a timeout, a cancel). */
  private abandon(result: SandboxResult): void {
    const running = this.running;
    if (running === undefined || running.settled) return;
    running.settled = true;
    const durationMs = performance.now() - running.startedAt;
    this.running = undefined;
    this.move('InvokeFailed');
    void this.report(running.log, running.requestId, durationMs, result).then(running.resolve);
    void this.destroy();
  }

  private onExit(exit: SandboxExit): void {
    const reason = exitReason(exit);
    this.exitedReason = reason;
    if (this.initWaiter !== undefined) {
      this.initWaiter({ kind: 'failed', result: { kind: 'exit', phase: 'init', reason } });
      return;
    }
    const running = this.running;
    if (running === undefined || running.settled) {
      // Exited while idle (or right after answering): the next invoke gets a fresh sandbox.
      if (this.currentState === 'idle') {
        this.failure = { kind: 'exit', phase: 'invoke', reason };
        void this.destroy();
      }
      return;
    }
    running.settled = true;
    const durationMs = performance.now() - running.startedAt;
    if (this.currentState === 'busy') this.move('InvokeFailed');
    const result: SandboxResult = { kind: 'exit', phase: 'invoke', reason };
    void this.outputDrained().then(async () => {
      this.running = undefined;
      running.resolve(await this.report(running.log, running.requestId, durationMs, result));
      await this.destroy();
    });
  }

  /** Lets a dying runtime's last output (a stack trace on stderr) arrive, within a short bound. */
  private outputDrained(): Promise<unknown> {
    const grace = new Promise((resolve) => setTimeout(resolve, EXIT_OUTPUT_GRACE_MS).unref());
    return Promise.race([this.streamsEnded, grace]);
  }

  private async report(
    log: InvocationLog,
    requestId: string,
    durationMs: number,
    result: SandboxResult,
  ): Promise<SandboxRun> {
    const now = performance.now();
    if (now - this.memorySampledAt >= MEMORY_SAMPLE_MS) {
      this.memorySampledAt = now;
      const measured = (await this.process?.maxMemoryUsedMb().catch(() => 0)) ?? 0;
      this.peakMemoryMb = Math.max(this.peakMemoryMb, measured);
    }
    const { status, errorType } = reportStatus(result);
    log.platform(endLine(requestId));
    log.platform(
      reportLine({
        requestId,
        durationMs,
        memorySizeMb: this.settings.memorySizeMb,
        maxMemoryUsedMb: this.peakMemoryMb,
        ...(this.settings.spec.memoryBurstMb !== undefined ? { memoryBurstMb: this.settings.spec.memoryBurstMb } : {}),
        initDurationMs: this.initDurationMs,
        status,
        errorType,
      }),
    );
    this.initDurationMs = undefined;
    return { result, logTail: log.tail() };
  }

  private onOutput(line: string): void {
    this.outputLines += 1;
    const running = this.running;
    if (running !== undefined) {
      running.log.output(line);
      return;
    }
    this.emit({ message: line, source: 'function' }); // init output, or between invocations: no request id
    if (!this.earlierToTail) return;
    this.earlierLines.push(line);
    if (this.earlierLines.length > EARLIER_LINES_KEPT) this.earlierLines.shift();
  }

  private emit(line: LogLine): void {
    this.deps.logs.record(this.settings.functionName, {
      timestamp: Date.now(),
      logStream: this.settings.logStreamName,
      ...line,
    });
  }

  /** The state, read through a call so the compiler does not narrow it across awaits. */
  private stateNow(): EnvironmentState {
    return this.currentState;
  }

  private move(event: EnvironmentEvent): void {
    const transition = next(this.currentState, event);
    if (!transition.ok) throw new Error(`Sandbox ${this.id}: ${transition.error}`);
    this.currentState = transition.state;
  }
}
