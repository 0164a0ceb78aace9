// process.env with _X_AMZN_TRACE_ID kept in JavaScript. The runtime sets that variable on every
// invocation, as Lambda's Node runtime does, and every trace id is new; through the real
// process.env each assignment is a glibc setenv(), which never frees the value it replaces (a
// pointer getenv() returned earlier must stay valid). Measured on Node 20: ~175 bytes of RSS per
// invocation, 35 MB per 200,000, so a busy 128 MB sandbox would be OOM-killed within minutes of
// sustained load. Here the trace id lives in a variable, and everything else goes to the real
// environment unchanged (TZ still resets the time zone, children still inherit it all, the trace
// id included). What differs: native code calling getenv("_X_AMZN_TRACE_ID") sees no value.
const TRACE_ID = '_X_AMZN_TRACE_ID';

export interface TraceIdEnv {
  /** What process.env becomes. */
  readonly env: NodeJS.ProcessEnv;
  /** Sets (or, with undefined, removes) the trace id, as an assignment through `env` would. */
  setTraceId(traceId: string | undefined): void;
}

/** Wraps `real` (process.env); the trace id it held, if any, moves into the wrapper. */
export function traceIdEnv(real: NodeJS.ProcessEnv): TraceIdEnv {
  let traceId: string | undefined = real[TRACE_ID];
  delete real[TRACE_ID];
  const handler: ProxyHandler<NodeJS.ProcessEnv> = {
    get: (_target, key) => (key === TRACE_ID ? traceId : Reflect.get(real, key)),
    set: (_target, key, value: unknown) => {
      // process.env keeps strings only, as the real one does.
      if (key === TRACE_ID) traceId = String(value);
      else Reflect.set(real, key, value);
      return true;
    },
    deleteProperty: (_target, key) => {
      if (key === TRACE_ID) traceId = undefined;
      else Reflect.deleteProperty(real, key);
      return true;
    },
    has: (_target, key) => (key === TRACE_ID ? traceId !== undefined : Reflect.has(real, key)),
    ownKeys: () => (traceId === undefined ? Reflect.ownKeys(real) : [...Reflect.ownKeys(real), TRACE_ID]),
    getOwnPropertyDescriptor: (_target, key) => {
      if (key !== TRACE_ID) return Reflect.getOwnPropertyDescriptor(real, key);
      return traceId === undefined
        ? undefined
        : { value: traceId, writable: true, enumerable: true, configurable: true };
    },
    defineProperty: (_target, key, descriptor) => {
      if (key === TRACE_ID) traceId = String(descriptor.value);
      else Reflect.defineProperty(real, key, descriptor);
      return true;
    },
  };
  // An empty, extensible target: every answer comes from the traps, none of the Proxy's invariants binds.
  const env = new Proxy<NodeJS.ProcessEnv>({}, handler);
  return {
    env,
    setTraceId: (next) => {
      traceId = next;
    },
  };
}
