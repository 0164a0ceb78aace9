// `hearth env`: the export lines that point the AWS CLI and SDKs at this Hearth.
import type { Command } from 'commander';
import { loadCliConfig } from '../cli-config.js';
import { loadCliOperatorCredentials } from '../cli-credentials.js';
import type { CliOutput } from '../cli-output.js';
import { envExportLines } from '../env-exports.js';
import { serverUrl } from '../server-url.js';

interface EnvFlags {
  readonly host?: string;
  readonly port?: string;
  readonly dataDir?: string;
}

export function registerEnv(program: Command, output: CliOutput): void {
  program
    .command('env')
    .description('print export lines for the AWS CLI and SDKs; use: eval "$(hearth env)"')
    .option('--host <host>', 'host Hearth listens on (env HEARTH_HOST, default 127.0.0.1)')
    .option('--port <port>', 'port Hearth listens on (env HEARTH_PORT, default 4280)')
    .option('--data-dir <dir>', 'data dir holding credentials.json (env HEARTH_DATA_DIR, default .hearth)')
    .action(async (flags: EnvFlags) => {
      const config = loadCliConfig(flags);
      const credentials = await loadCliOperatorCredentials(config.dataDir, {
        accessKeyId: config.accessKeyId,
        secretAccessKey: config.secretAccessKey,
      });
      const lines = envExportLines({
        endpoint: serverUrl(config.host, config.port),
        region: config.region,
        accessKeyId: credentials.accessKeyId,
        secretAccessKey: credentials.secretAccessKey,
      });
      output.stdout(lines.join('\n') + '\n');
    });
}
