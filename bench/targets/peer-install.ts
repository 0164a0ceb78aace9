// Installs the peers the benchmark compares Hearth with, from npm, into bench/.peers/ (its own
// package.json and node_modules, gitignored): never by hand, never into Hearth's node_modules.
// Versions are pinned so runs compare like with like; serverless@3 is the last major that runs
// without a login (v4 asks for one).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { childEnv } from '../../test/support/repo-root.js';

export const PEER_PACKAGES: Readonly<Record<string, string>> = {
  serverless: '3.40.0',
  'serverless-offline': '13.10.1',
  'lambda-local': '2.2.0',
  // 9.x needs Node ≥ 22; 8.0.0 is the newest that runs on Node 20.
  '@architect/sandbox': '8.0.0',
};

export interface PeerInstall {
  readonly dir: string;
  readonly nodeModules: string;
  /** The installed version of a package, or undefined if it is missing. */
  version(name: string): string | undefined;
}

export function peersDir(root: string): string {
  return path.join(root, 'bench', '.peers');
}

export async function installPeers(root: string, log: (line: string) => void): Promise<PeerInstall> {
  const dir = peersDir(root);
  const nodeModules = path.join(dir, 'node_modules');
  const version = (name: string): string | undefined => {
    const manifest = path.join(nodeModules, name, 'package.json');
    if (!existsSync(manifest)) return undefined;
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version;
  };
  const missing = Object.entries(PEER_PACKAGES).filter(([name, wanted]) => version(name) !== wanted);
  if (missing.length > 0) {
    mkdirSync(dir, { recursive: true });
    const manifest = { name: 'hearth-bench-peers', private: true, dependencies: PEER_PACKAGES };
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    log(`installing peers into ${path.relative(root, dir)}: ${missing.map(([n, v]) => `${n}@${v}`).join(', ')}`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    await promisify(execFile)(npm, ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: dir,
      env: childEnv(),
      maxBuffer: 16 * 1024 * 1024,
    });
  }
  return { dir, nodeModules, version };
}
