// `hearth start`: runs the server in the foreground until SIGINT/SIGTERM. The first signal
// stops it gracefully (intake stops, running invocations finish, bounded by the shutdown
// grace); a second signal exits at once.
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { loadCliConfig } from '../cli-config.js';
import type { CliOutput } from '../cli-output.js';
import { describeStartFailure } from '../start-failure.js';

interface StartFlags {
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
/** Extra time on top of the shutdown grace before the CLI stops waiting for close(). */
const CLOSE_SLACK_MS = 5_000;

export function registerStart(program: Command, output: CliOutput): void {
  program
    .command('start')
    .description('run Hearth in the foreground (Ctrl-C stops it gracefully)')
    .option('--host <host>', 'address to listen on (env HEARTH_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port to listen on; 0 picks a free one (env HEARTH_PORT, default 4280)')
    .option('--data-dir <dir>', 'where functions, code and logs are kept (env HEARTH_DATA_DIR, default .hearth)')
    .option(
      '--isolation <mode>',
      'auto: isolate sandboxes where the host can, else warn; required: refuse to start without; off (env HEARTH_ISOLATION, default auto)',
    )
    .action(async (flags: StartFlags) => {
      const config = loadCliConfig(flags);
      const log = (line: string): void => output.stdout(line.endsWith('\n') ? line : `${line}\n`);

      // Listen for signals before starting, so a Ctrl-C during start-up still shuts down cleanly.
      let signalCount = 0;
      let stopRequested!: (signal: string) => void;
      const stopped = new Promise<string>((resolve) => (stopRequested = resolve));
      const onSignal = (signal: string): void => {
        signalCount += 1;
        if (signalCount === 1) return stopRequested(signal);
        output.stderr(`Received ${signal} again; exiting now without waiting for running invocations.\n`);
        process.exit(1);
      };
      for (const signal of SIGNALS) process.on(signal, onSignal);

      const { startHearth } = await import('../../main.js');
      let server: Awaited<ReturnType<typeof startHearth>>;
      try {
        server = await startHearth(config, { log });
      } catch (error) {
        for (const signal of SIGNALS) process.off(signal, onSignal);
        throw new CliError(describeStartFailure(error, config), { cause: error });
      }
      output.stdout(`Hearth listening on ${server.url}\n`);

      const signal = await stopped;
      output.stdout(
        `Received ${signal}; stopping Hearth (letting running invocations finish, up to ${config.shutdownGraceSeconds} s; press Ctrl-C again to exit now)…\n`,
      );
      const outcome = await closeWithin(server.close(), config.shutdownGraceSeconds * 1000 + CLOSE_SLACK_MS);
      if (outcome !== 'closed') {
        output.stderr(
          outcome === 'timed-out'
            ? 'Hearth did not stop in time; exiting anyway.\n'
            : `Hearth did not stop cleanly: ${outcome.failed}\n`,
        );
        process.exit(1);
      }
      output.stdout('Hearth stopped.\n');
      process.exit(0);
    });
}

async function closeWithin(
  closing: Promise<void>,
  timeoutMs: number,
): Promise<'closed' | 'timed-out' | { failed: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed-out'>((resolve) => (timer = setTimeout(() => resolve('timed-out'), timeoutMs)));
  const closed = closing.then(
    () => 'closed' as const,
    (error: unknown) => ({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
  try {
    return await Promise.race([closed, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
