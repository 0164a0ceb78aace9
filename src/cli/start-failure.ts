// Turns an error from starting the server into a sentence that says what to change.
import type { Config } from '../config/config.js';
import { CliError } from './cli-error.js';

interface SystemErrorFields {
  readonly code?: unknown;
  readonly syscall?: unknown;
  readonly path?: unknown;
}

export function describeStartFailure(error: unknown, config: Pick<Config, 'host' | 'port'>): string {
  if (error instanceof CliError) return error.message;
  const system = findSystemError(error);
  const where = `${config.host}:${config.port}`;
  if (system !== undefined) {
    const { code, syscall, path } = system;
    if (typeof path === 'string' && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) {
      return `Cannot write to ${path} (${String(code)}); choose a writable data dir with --data-dir or HEARTH_DATA_DIR`;
    }
    if (code === 'EADDRINUSE') return `Port ${config.port} is in use; choose another with --port or HEARTH_PORT`;
    if (code === 'EACCES' && (syscall === 'listen' || syscall === 'bind')) {
      const hint = config.port < 1024 ? ' (ports below 1024 need root)' : '';
      return `Not allowed to listen on ${where}${hint}; choose another port with --port or HEARTH_PORT`;
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return `Cannot listen on ${config.host}: it is not an address of this machine; choose another with --host or HEARTH_HOST`;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return `Hearth could not start: ${message}`;
}

function findSystemError(error: unknown): SystemErrorFields | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const fields = current as SystemErrorFields;
    if (typeof fields.code === 'string') return fields;
    current = current.cause;
  }
  return undefined;
}
