// Runs the handler for one event and settles on its outcome, with the Node programming model's
// rules (AWS docs, "Define Lambda function handler in Node.js"): a returned promise settles the
// invocation; otherwise the callback or context.succeed/fail/done does; only the first of those
// counts. With callbackWaitsForEmptyEventLoop (the default) a callback's result is held until the
// event loop is empty, and a handler that never completes at all answers null once it is.
//
// "Empty event loop" is Node's own 'beforeExit' event: it fires when nothing referenced is left
// (timers, sockets, pending I/O). The runtime's connection to the Runtime API is idle and unref'd
// by the keep-alive agent while a handler runs, so it does not count, exactly as on Lambda. A loop
// that never empties (setInterval, an open socket) is not cut short here: the invocation runs into
// the function's timeout, which the platform enforces, as Lambda does.
import type { UserHandler } from './handler-loader.cjs';
import type { Completion, InvokeContext } from './invoke-context.cjs';

export type Outcome =
  { readonly kind: 'response'; readonly result: unknown } | { readonly kind: 'error'; readonly error: unknown };

/**
 * The running invocation's reaction to an empty event loop. One 'beforeExit' listener serves every
 * invocation (added once, not per invocation); between invocations it does nothing, which is what
 * no listener at all would do.
 */
let onEmptyLoop: (() => void) | undefined;
let listening = false;

function watchEmptyLoop(react: () => void): void {
  onEmptyLoop = react;
  if (listening) return;
  listening = true;
  process.on('beforeExit', () => onEmptyLoop?.());
}

export function runHandler(
  handler: UserHandler,
  event: unknown,
  createContext: (completion: Completion) => InvokeContext,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let claimed = false;
    let finished = false;
    let held: Outcome | undefined;

    const finish = (outcome: Outcome): void => {
      if (finished) return;
      finished = true;
      if (onEmptyLoop === emptyLoop) onEmptyLoop = undefined;
      resolve(outcome);
    };
    const emptyLoop = (): void => finish(held ?? { kind: 'response', result: undefined });
    const claim = (): boolean => {
      if (claimed) return false;
      claimed = true;
      return true;
    };
    const outcomeOf = (error: unknown, result: unknown): Outcome =>
      error !== undefined && error !== null ? { kind: 'error', error } : { kind: 'response', result };

    const completion: Completion = {
      succeed: (result) => {
        if (claim()) finish({ kind: 'response', result });
      },
      fail: (error) => {
        if (claim()) finish({ kind: 'error', error: error ?? 'handled' });
      },
      done: (error, result) => {
        if (claim()) finish(outcomeOf(error, result));
      },
    };
    const context = createContext(completion);
    const callback = (error: unknown, result?: unknown): void => {
      if (!claim()) return;
      if (context.callbackWaitsForEmptyEventLoop) held = outcomeOf(error, result);
      else finish(outcomeOf(error, result));
    };

    watchEmptyLoop(emptyLoop);
    let returned: unknown;
    try {
      returned = handler(event, context, callback);
    } catch (error) {
      completion.fail(error ?? 'handled');
      return;
    }
    if (isThenable(returned)) {
      returned.then(completion.succeed, (error: unknown) => {
        if (claim()) finish({ kind: 'error', error });
      });
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
