// Turns _HANDLER ("path/to/module.export.nested") into the user's function, the way Lambda's Node
// runtime does (AWS docs, "Define Lambda function handler in Node.js"): the module is looked up in
// LAMBDA_TASK_ROOT as-is, then with .js, .mjs and .cjs, then by Node's own module resolution.
// Every module is required first, ES modules too (.mjs, or .js under "type": "module"): Node
// 20.19+ loads them synchronously that way; one that Node will only import() (top-level await, or
// an older Node) is then imported. So CommonJS and ES modules both work, and neither pays for the
// asynchronous ES module loader when it need not: ~16 ms of CPU to set up for a CommonJS handler,
// ~7 ms more than require() for a one-line .mjs one, on a 2-core host (docs/architecture.md).
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HandlerNotFound, ImportModuleError, MalformedHandlerName, UserCodeSyntaxError } from './runtime-errors.cjs';

export type UserHandler = (event: unknown, context: unknown, callback: unknown) => unknown;

export interface HandlerName {
  /** Directory part of the handler string, relative to the task root ('' when none). */
  readonly moduleRoot: string;
  readonly moduleName: string;
  /** Property path inside the module, e.g. ['handler'] or ['api', 'v1', 'handler']. */
  readonly propertyPath: readonly string[];
}

/** Splits a handler string; throws Runtime.MalformedHandlerName when there is no "module.export". */
export function parseHandlerName(handler: string): HandlerName {
  const slash = handler.lastIndexOf('/');
  const moduleRoot = slash === -1 ? '' : handler.slice(0, slash);
  const rest = handler.slice(slash + 1);
  const dot = rest.indexOf('.');
  if (dot === -1) throw new MalformedHandlerName('Bad handler');
  return { moduleRoot, moduleName: rest.slice(0, dot), propertyPath: rest.slice(dot + 1).split('.') };
}

/**
 * Loads the module and returns the handler function. `resolverFile` is the file whose location
 * Node's fallback resolution reports in "Require stack" (the runtime's entry file).
 */
export async function loadHandler(taskRoot: string, handler: string, resolverFile: string): Promise<UserHandler> {
  const name = parseHandlerName(handler);
  const namespace = await importUserModule(taskRoot, name, resolverFile);
  const found = lookup(namespace, name.propertyPath) ?? lookup(defaultExport(namespace), name.propertyPath);
  if (found === undefined) throw new HandlerNotFound(`${handler} is undefined or not exported`);
  if (typeof found !== 'function') throw new HandlerNotFound(`${handler} is not a function`);
  return found as UserHandler;
}

async function importUserModule(taskRoot: string, name: HandlerName, resolverFile: string): Promise<unknown> {
  const base = resolve(taskRoot, name.moduleRoot, name.moduleName);
  try {
    if (isFile(base)) return createRequire(resolverFile)(base) as unknown; // extensionless: CommonJS
    for (const extension of ['.js', '.mjs', '.cjs']) {
      if (isFile(base + extension)) return await loadFile(base + extension, resolverFile);
    }
    const resolved = createRequire(resolverFile).resolve(name.moduleName, {
      paths: [taskRoot, join(taskRoot, name.moduleRoot)],
    });
    return await loadFile(resolved, resolverFile);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new ImportModuleError(error);
    throw error;
  }
}

/** Node's answers to require() of an ES module (before Node 20.19, or one with top-level await);
 *  Node throws them before the module runs, so importing it next runs it once. */
const ES_MODULE_CODES: ReadonlySet<unknown> = new Set(['ERR_REQUIRE_ESM', 'ERR_REQUIRE_ASYNC_MODULE']);

/** Requires `file`, or imports it when Node will only import it; also warms up a pre-started runtime. */
export async function loadFile(file: string, resolverFile: string): Promise<unknown> {
  try {
    return createRequire(resolverFile)(file) as unknown;
  } catch (error) {
    if (!ES_MODULE_CODES.has((error as { code?: unknown } | null)?.code)) throw error;
    return import(pathToFileURL(file).href);
  }
}

function lookup(root: unknown, propertyPath: readonly string[]): unknown {
  let value = root;
  for (const key of propertyPath) {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

// A CommonJS module whose exports Node could not detect statically shows up only as `default`.
function defaultExport(namespace: unknown): unknown {
  return (namespace as { default?: unknown } | null)?.default;
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}
