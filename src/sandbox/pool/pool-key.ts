// Which sandboxes a pre-started one can become, as pure data. A pre-started runtime process is
// generic: it was started with everything that is the same for every function of its kind — the
// runtime's argv, runtime client, interpreter paths, shared read-only binds — and with the
// environment variables a process reads only when it starts (NODE_OPTIONS, NODE_PATH, PYTHONPATH,
// LD_LIBRARY_PATH, …). Those are part of the key, so a function whose startup variables differ
// simply gets pre-started sandboxes of its own kind, unless the runtime client reads the variable
// again when it specialises (Hearth's Node client: NODE_PATH, which differs between nodejs20.x and
// nodejs22.x only by the layer folder of the Node major; its Python client: PYTHONPATH, likewise
// between python3.12 and python3.13). Everything else (code, layers, the rest of the environment,
// handler, limits) is applied at specialisation.
import type { ReadOnlyBind, SandboxSpec } from '../sandbox-driver.js';

/** Variables read at process start (by the interpreter, the dynamic loader or libc), never later. */
const STARTUP_VARIABLE =
  /^(NODE_|PYTHON|LD_|UV_|OPENSSL_|SSL_CERT_|MALLOC_|GLIBC_|LC_)|^(LANG|LANGUAGE|TZ|PATH|HOME|TMPDIR)$/;

/** argv entries of the runtime clients that can wait for their function (Hearth's own). */
const SPECIALISABLE_CLIENTS = ['/var/runtime/bootstrap.cjs', '/var/runtime/bootstrap.py'];

/**
 * Startup variables a client applies again when it specialises (runtimes/node/specialise.cts,
 * runtimes/python/hearth_runtime/specialise.py).
 */
const REREAD_AT_SPECIALISATION: Readonly<Record<string, readonly string[]>> = {
  '/var/runtime/bootstrap.cjs': ['NODE_PATH'],
  '/var/runtime/bootstrap.py': ['PYTHONPATH'],
};

/** EphemeralStorage of the pre-made /tmp disks (Lambda's default). */
export const POOLED_EPHEMERAL_STORAGE_MB = 512;

/** What a pre-started sandbox is started with: nothing of any one function. */
export interface GenericSpec {
  readonly argv: readonly string[];
  readonly runtimeDir: string;
  readonly hostPaths: readonly string[];
  readonly readOnlyBinds?: readonly ReadOnlyBind[];
  /** Only the startup variables. */
  readonly env: Readonly<Record<string, string>>;
}

export function isStartupVariable(name: string): boolean {
  return STARTUP_VARIABLE.test(name);
}

export function genericSpec(spec: Omit<SandboxSpec, 'runtimeApi'>): GenericSpec {
  const env: Record<string, string> = {};
  for (const name of Object.keys(spec.env).sort()) if (isStartupVariable(name)) env[name] = spec.env[name]!;
  return {
    argv: spec.argv,
    runtimeDir: spec.runtimeDir,
    hostPaths: spec.hostPaths,
    ...(spec.readOnlyBinds !== undefined ? { readOnlyBinds: spec.readOnlyBinds } : {}),
    env,
  };
}

/**
 * Equal keys: one pre-started sandbox serves either spec. A variable its client reads again when it
 * specialises is left out: the sandbox starts with the first spec's value (and that spec's ES module
 * links), and a function with another gets its own at specialisation.
 */
export function poolKey(generic: GenericSpec): string {
  const reread = new Set(generic.argv.flatMap((arg) => REREAD_AT_SPECIALISATION[arg] ?? []));
  const env = Object.fromEntries(Object.entries(generic.env).filter(([name]) => !reread.has(name)));
  return JSON.stringify([generic.argv, generic.runtimeDir, generic.hostPaths, generic.readOnlyBinds ?? [], env]);
}

/** Why this spec cannot come from the pool, or undefined when it can. */
export function poolRefusal(spec: Pick<SandboxSpec, 'argv' | 'ephemeralStorageMb'>): string | undefined {
  if (!spec.argv.some((arg) => SPECIALISABLE_CLIENTS.includes(arg))) return 'runtime client cannot be specialised';
  if (spec.ephemeralStorageMb !== POOLED_EPHEMERAL_STORAGE_MB)
    return `EphemeralStorage is not ${POOLED_EPHEMERAL_STORAGE_MB} MB`;
  return undefined;
}
