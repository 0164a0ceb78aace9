// Which route answers a request: method + path pattern (`{Name}` placeholders, one segment each,
// percent-decoded) + optional query constraints. Patterns are compiled to regexes once; routes
// are bucketed by their first path segment (the API date prefix) so a request only tries a few.
// One trailing slash is tolerated either way (the AWS CLI sends `GET /2015-03-31/functions/`).
//
// A path that exists under another method is reported as `wrong-method`; the server still
// answers it with 404 UnknownOperationException, as for an unknown path, because AWS's rest-json
// services name an operation by method and path together and the SDKs know no 405 for Lambda.
import type { Route } from './route.js';

export type RouteMatch =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Readonly<Record<string, string>> }
  | { readonly kind: 'no-path' }
  | { readonly kind: 'wrong-method'; readonly allowed: readonly string[] };

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
  readonly query: readonly (readonly [string, string | true])[];
  readonly literals: number;
}

const NO_PATH: RouteMatch = { kind: 'no-path' };
const ANY_FIRST_SEGMENT = '';

export class Router {
  /** Routes by the literal first segment of their path; a placeholder first segment goes under ''. */
  private readonly buckets = new Map<string, CompiledRoute[]>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      const compiled = compile(route);
      const first = firstSegment(route.path);
      const key = first.startsWith('{') ? ANY_FIRST_SEGMENT : first;
      const bucket = this.buckets.get(key) ?? [];
      bucket.push(compiled);
      this.buckets.set(key, bucket);
    }
    // Most specific first: query-constrained routes before unconstrained ones on the same path,
    // literal segments before placeholders.
    for (const bucket of this.buckets.values()) {
      bucket.sort((a, b) => b.query.length - a.query.length || b.literals - a.literals);
    }
  }

  match(method: string, rawPath: string, query: URLSearchParams): RouteMatch {
    const found = this.matchIn(this.buckets.get(firstSegment(rawPath)), method, rawPath, query);
    if (found.kind !== 'no-path') return found;
    const wildcard = this.buckets.get(ANY_FIRST_SEGMENT);
    return wildcard === undefined ? found : this.matchIn(wildcard, method, rawPath, query);
  }

  private matchIn(
    bucket: readonly CompiledRoute[] | undefined,
    method: string,
    rawPath: string,
    query: URLSearchParams,
  ): RouteMatch {
    if (bucket === undefined) return NO_PATH;
    let allowed: string[] | undefined;
    for (const candidate of bucket) {
      const m = candidate.pattern.exec(rawPath);
      if (m === null) continue;
      if (candidate.route.method !== method) {
        allowed ??= [];
        if (!allowed.includes(candidate.route.method)) allowed.push(candidate.route.method);
        continue;
      }
      if (!queryMatches(candidate.query, query)) continue;
      const params: Record<string, string> = {};
      for (let i = 0; i < candidate.names.length; i++) params[candidate.names[i]!] = decode(m[i + 1] ?? '');
      return { kind: 'found', route: candidate.route, params };
    }
    return allowed === undefined ? NO_PATH : { kind: 'wrong-method', allowed };
  }
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  let literals = 0;
  const trimmed = route.path.length > 1 && route.path.endsWith('/') ? route.path.slice(0, -1) : route.path;
  const source = trimmed
    .split('/')
    .map((segment) => {
      const placeholder = /^\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(segment);
      if (placeholder !== null) {
        names.push(placeholder[1]!);
        return '([^/]+)';
      }
      if (segment.includes('{') || segment.includes('}')) {
        throw new Error(`Route ${route.operation}: a placeholder must be a whole segment in "${route.path}"`);
      }
      if (segment !== '') literals++;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const pattern = new RegExp(`^${source === '/' ? '' : source}/?$`);
  return { route, pattern, names, query: Object.entries(route.query ?? {}), literals };
}

function queryMatches(required: CompiledRoute['query'], query: URLSearchParams): boolean {
  for (const [key, value] of required) {
    if (value === true ? !query.has(key) : query.get(key) !== value) return false;
  }
  return true;
}

/** `/2015-03-31/functions/x` → `2015-03-31`. */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return end === -1 ? path.slice(1) : path.slice(1, end);
}

function decode(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
