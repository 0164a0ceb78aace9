// Where the hearth checkout is, found from this compiled file's location (build*/test/support/…)
// by walking up to the package.json named "hearth".
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === 'hearth') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error('Could not find the hearth package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/**
 * The `hearth` command's entry point: bin/hearth.js, or the script named by HEARTH_E2E_ENTRY
 * (to run the suites against another build or an installed copy).
 */
export function hearthBin(): string {
  return process.env['HEARTH_E2E_ENTRY'] || path.join(repoRoot(), 'bin', 'hearth.js');
}

/**
 * The environment for a child process: this process's, minus what would slow Node start-up
 * (NODE_EXTRA_CA_CERTS) or point an AWS client somewhere else (AWS_*), plus `extra`.
 */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_EXTRA_CA_CERTS' || key.startsWith('AWS_') || key.startsWith('HEARTH_')) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}
