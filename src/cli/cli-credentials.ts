// The operator credentials for `hearth env` and for client commands without AWS_* keys:
// HEARTH_ACCESS_KEY_ID / HEARTH_SECRET_ACCESS_KEY, else the data dir's credentials.json
// (generated on first use). Failures become user errors that name the file or variable.
import { loadOperatorCredentials } from '../api/auth/credentials.js';
import { CliError } from './cli-error.js';

export async function loadCliOperatorCredentials(
  dataDir: string,
  configured: { accessKeyId?: string | undefined; secretAccessKey?: string | undefined },
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  try {
    return await loadOperatorCredentials(dataDir, configured);
  } catch (error) {
    const system = error as NodeJS.ErrnoException;
    if (typeof system.code === 'string' && system.path !== undefined) {
      throw new CliError(
        `Cannot read or create Hearth's credentials in ${dataDir} (${system.code} on ${system.path}); choose another data dir with --data-dir or HEARTH_DATA_DIR, or set HEARTH_ACCESS_KEY_ID and HEARTH_SECRET_ACCESS_KEY.`,
      );
    }
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}
