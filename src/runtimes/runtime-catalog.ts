// Which Lambda runtimes Hearth runs and how a sandbox starts each one: Hearth's own Node and Python
// runtime clients on the host's interpreters, or the function's own `bootstrap` for the OS-only
// runtimes. Paths in argv are as the sandbox sees them (/var/runtime, /var/task); runtimeDir and
// hostPaths are host directories for the driver to mount.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ReadOnlyBind } from '../sandbox/sandbox-driver.js';

const NODE_RUNTIMES = ['nodejs18.x', 'nodejs20.x', 'nodejs22.x', 'nodejs24.x'] as const;
const PYTHON_RUNTIMES = ['python3.9', 'python3.10', 'python3.11', 'python3.12', 'python3.13', 'python3.14'] as const;
const OS_ONLY_RUNTIMES = ['provided', 'provided.al2', 'provided.al2023'] as const;

export const SUPPORTED_RUNTIMES: readonly string[] = [...NODE_RUNTIMES, ...PYTHON_RUNTIMES, ...OS_ONLY_RUNTIMES];

export interface Interpreters {
  readonly node: string;
  readonly python: string;
}

/** How to start one runtime in a sandbox; the worker manager builds the SandboxSpec from it. */
export interface RuntimeLaunch {
  /** Sandbox paths, e.g. /var/runtime/bootstrap.js or /var/task/bootstrap. */
  readonly argv: readonly string[];
  /** Host dir mounted at /var/runtime. */
  readonly runtimeDir: string;
  /** Host directories of the interpreter, bound read-only at the same path. */
  readonly hostPaths: readonly string[];
  /** Host directories the runtime sees read-only elsewhere (the AWS SDK for Node). */
  readonly readOnlyBinds?: readonly ReadOnlyBind[];
  readonly env: Readonly<Record<string, string>>;
}

type RuntimeFamily = 'node' | 'python' | 'provided';

export function runtimeFamily(runtime: string): RuntimeFamily | undefined {
  if ((NODE_RUNTIMES as readonly string[]).includes(runtime)) return 'node';
  if ((PYTHON_RUNTIMES as readonly string[]).includes(runtime)) return 'python';
  if ((OS_ONLY_RUNTIMES as readonly string[]).includes(runtime)) return 'provided';
  return undefined;
}

export function launchFor(runtime: string, interpreters: Interpreters): RuntimeLaunch {
  switch (runtimeFamily(runtime)) {
    case 'node': {
      const { runtime: runtimeDir, sdk } = nodeFolders();
      const major = runtime.slice('nodejs'.length, -'.x'.length);
      return {
        // Lambda's Node bootstrap also passes --expose-gc; it is left out because it disables
        // V8's start-up snapshot and costs ~5 ms of every cold start.
        argv: [interpreters.node, '--max-http-header-size=81920', '/var/runtime/bootstrap.cjs'],
        runtimeDir,
        hostPaths: installPrefix(interpreters.node),
        ...(sdk !== undefined ? { readOnlyBinds: [{ host: sdk, sandbox: NODE_SDK_DIR }] } : {}),
        env: {
          AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
          // The search path Lambda sets for nodejs runtimes (layers first, then the task root), and
          // the AWS SDK that Lambda's Node runtimes include. A handler that bundles its own SDK gets
          // its own: node_modules beside the handler are searched before NODE_PATH.
          NODE_PATH: `/opt/nodejs/node${major}/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task:${NODE_SDK_DIR}`,
        },
      };
    }
    case 'python':
      return {
        // -s: no user site-packages from the host account; the function sees its own code only.
        argv: [interpreters.python, '-s', '/var/runtime/bootstrap.py'],
        runtimeDir: join(packageRoot(), 'src', 'runtimes', 'python'),
        hostPaths: installPrefix(interpreters.python),
        env: {
          AWS_EXECUTION_ENV: `AWS_Lambda_${runtime}`,
          PYTHONUNBUFFERED: '1',
          // Layer folders (https://docs.aws.amazon.com/lambda/latest/dg/packaging-layers.html#packaging-layers-paths).
          PYTHONPATH: `/opt/python/lib/${runtime}/site-packages:/opt/python`,
          // The code directory is read-only on Lambda; never write __pycache__ into Hearth's code store.
          PYTHONDONTWRITEBYTECODE: '1',
        },
      };
    case 'provided':
      return {
        argv: ['/var/task/bootstrap'],
        runtimeDir: join(packageRoot(), 'src', 'runtimes', 'provided'),
        hostPaths: [],
        env: {},
      };
    case undefined:
      throw new Error(`Runtime ${runtime} is not supported by Hearth (supported: ${SUPPORTED_RUNTIMES.join(', ')}).`);
  }
}

/**
 * Interpreters that answered `--version` in this process. A found one is not probed again (each
 * probe is a fork of Hearth and an interpreter start, on every CreateFunction's way to Active); a
 * missing one is, so that installing it makes the next function Active.
 */
const found = new Set<string>();

async function present(binary: string): Promise<boolean> {
  if (found.has(binary)) return true;
  if ((await probe(binary, ['--version'])) === undefined) return false;
  found.add(binary);
  return true;
}

export async function checkRuntime(runtime: string, interpreters: Interpreters): Promise<string | undefined> {
  switch (runtimeFamily(runtime)) {
    case 'node':
      return (await present(interpreters.node)) ? undefined : `${interpreters.node} not found on this host`;
    case 'python':
      return (await present(interpreters.python)) ? undefined : `${interpreters.python} not found on this host`;
    case 'provided':
      return undefined;
    case undefined:
      return `Runtime ${runtime} is not supported by Hearth`;
  }
}

export async function describeInterpreters(interpreters: Interpreters): Promise<string[]> {
  const [node, python] = await Promise.all([
    probe(interpreters.node, ['-p', 'process.version + " " + process.execPath']),
    probe(interpreters.python, ['-c', 'import sys; print(sys.version.split()[0], sys.executable)']),
  ]);
  const nodeRange = `${NODE_RUNTIMES[0]}–${NODE_RUNTIMES[NODE_RUNTIMES.length - 1]}`;
  const pythonRange = `${PYTHON_RUNTIMES[0]}–${PYTHON_RUNTIMES[PYTHON_RUNTIMES.length - 1]}`;
  return [
    node === undefined
      ? `${interpreters.node} not found: ${nodeRange} functions cannot run`
      : `node ${versionAndPath(node)} for ${nodeRange}`,
    python === undefined
      ? `${interpreters.python} not found: ${pythonRange} functions cannot run`
      : `Python ${versionAndPath(python)} for ${pythonRange}`,
    `${OS_ONLY_RUNTIMES.join(', ')} run the function's own bootstrap`,
  ];
}

/** Where Node sandboxes see the AWS SDK for JavaScript v3 (Lambda's nodejs runtimes include it). */
export const NODE_SDK_DIR = '/var/lang/lib/node_modules';

/**
 * Where Hearth's own files are (below) is decided once per process: each start asked again, ~15
 * stats and a module resolution, ~1 ms of the server's event loop per cold start under load. A
 * rebuild or a reinstall takes effect at the next start of Hearth.
 */
interface NodeFolders {
  readonly runtime: string;
  readonly sdk: string | undefined;
}

let nodeFoldersFound: NodeFolders | undefined;

function nodeFolders(): NodeFolders {
  nodeFoldersFound ??= { runtime: findNodeRuntimeDir(), sdk: findNodeSdkDir() };
  return nodeFoldersFound;
}

/** The node_modules folder holding Hearth's own copy of the AWS SDK, shared read-only; undefined without one. */
function findNodeSdkDir(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('@aws-sdk/client-lambda/package.json');
    return dirname(dirname(dirname(manifest)));
  } catch {
    return undefined;
  }
}

/** The compiled Node runtime client, beside this file's compiled output: see nodeRuntimeFolder. */
function findNodeRuntimeDir(): string {
  return nodeRuntimeFolder(
    fileURLToPath(new URL('./node', import.meta.url)),
    fileURLToPath(new URL('./node-bundle', import.meta.url)),
  );
}

/**
 * `bundled` (the runtime in one file, from scripts/bundle-node-runtime.mjs; a start costs ~3 ms less
 * CPU) while its bootstrap.cjs is at least as new as every module in `plain` (tsc's output),
 * else `plain`: a missing bundle, or one older than a later `tsc`, is never run.
 */
export function nodeRuntimeFolder(plain: string, bundled: string): string {
  const bundleTime = statSync(join(bundled, 'bootstrap.cjs'), { throwIfNoEntry: false })?.mtimeMs;
  if (bundleTime === undefined) return plain;
  for (const file of readdirSync(plain)) {
    if (!/\.(cjs|mjs)$/.test(file)) continue;
    const time = statSync(join(plain, file), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (time > bundleTime) return plain;
  }
  return bundled;
}

/** The directory of Hearth's own package.json (name "hearth"), found upwards from this file. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'hearth') return dir;
      } catch {
        // not Hearth's manifest; keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Hearth package root (package.json named "hearth") not found');
    dir = parent;
  }
}

/** Host directories an isolated sandbox needs for an interpreter: its install prefix. */
function installPrefix(binary: string): string[] {
  if (!isAbsolute(binary)) return [];
  try {
    return [dirname(dirname(realpathSync(binary)))];
  } catch {
    return [];
  }
}

function probe(binary: string, args: readonly string[]): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 10_000 }, (error, stdout) => resolve(error ? undefined : stdout.trim()));
  });
}

function versionAndPath(probeOutput: string): string {
  const space = probeOutput.indexOf(' ');
  return space === -1 ? probeOutput : `${probeOutput.slice(0, space)} (${probeOutput.slice(space + 1)})`;
}
