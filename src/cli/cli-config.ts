// The CLI's door to src/config: the same settings, with a bad value reported as a user error
// (message only, exit 1) instead of a crash.
import { loadClientSettings, loadConfig, type ClientSettings, type Config, type StartFlags } from '../config/config.js';
import { CliError } from './cli-error.js';

export function loadCliConfig(flags: StartFlags = {}): Config {
  return asUserError(() => loadConfig(flags));
}

export function loadCliClientSettings(): ClientSettings {
  return asUserError(() => loadClientSettings());
}

function asUserError<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
}
