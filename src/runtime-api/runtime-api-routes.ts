// Which Runtime API 2018-06-01 operation a request names. Pure, so the table test can pin every path.
// Paths from the Runtime API reference: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html

export type RuntimeApiRoute =
  | { readonly kind: 'next' }
  | { readonly kind: 'response'; readonly requestId: string }
  | { readonly kind: 'error'; readonly requestId: string }
  | { readonly kind: 'init-error' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'method-not-allowed' };

const PREFIX = '/2018-06-01/runtime/';

/** The APIs a sandbox's own endpoint serves on Lambda: Runtime (and Hearth's runtime channel beside
 *  it), Extensions, Logs and Telemetry. Hearth implements the first; the others answer 404 here. */
const SANDBOX_API_PREFIXES = ['/2018-06-01/', '/2020-01-01/extension', '/2020-08-15/logs', '/2022-07-01/telemetry'];

/**
 * Whether a request is for the sandbox's own endpoint, by its path; any other request on a
 * sandbox's socket is for Hearth's API (RuntimeApiServer.serveOthers).
 */
export function isRuntimeApiPath(url: string): boolean {
  return SANDBOX_API_PREFIXES.some((prefix) => url.startsWith(prefix));
}
const INVOCATION = 'invocation/';

export function routeRuntimeApi(method: string, url: string): RuntimeApiRoute {
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.startsWith(PREFIX)) return { kind: 'not-found' };
  const rest = path.slice(PREFIX.length);
  if (rest === 'invocation/next') return method === 'GET' ? { kind: 'next' } : { kind: 'method-not-allowed' };
  if (rest === 'init/error') return method === 'POST' ? { kind: 'init-error' } : { kind: 'method-not-allowed' };
  if (!rest.startsWith(INVOCATION)) return { kind: 'not-found' };
  const slash = rest.lastIndexOf('/');
  const requestId = decodeId(rest.slice(INVOCATION.length, slash));
  const action = rest.slice(slash + 1);
  if (requestId === undefined || requestId === '' || requestId.includes('/')) return { kind: 'not-found' };
  if (action !== 'response' && action !== 'error') return { kind: 'not-found' };
  if (method !== 'POST') return { kind: 'method-not-allowed' };
  return { kind: action, requestId };
}

function decodeId(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
