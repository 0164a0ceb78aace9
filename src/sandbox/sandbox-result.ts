// What came of one invocation inside a sandbox. A value, not an exception; the front end maps it to
// the caller's InvokeOutcome with an exhaustive switch.

export type SandboxResult =
  | { readonly kind: 'success'; readonly payload: Buffer }
  /** The runtime posted …/error. */
  | { readonly kind: 'function-error'; readonly errorType: string; readonly payload: Buffer }
  /** The runtime posted /init/error. */
  | { readonly kind: 'init-error'; readonly errorType: string; readonly payload: Buffer }
  /** Ran past the function's Timeout (or init past its deadline); the sandbox was destroyed. */
  | { readonly kind: 'timeout'; readonly timeoutSeconds: number }
  /** The runtime process ended; `reason` is Lambda's wording (see exit-reason.ts). */
  | { readonly kind: 'exit'; readonly phase: 'init' | 'invoke'; readonly reason: string }
  /** The response was over 6 MB; the sandbox stays usable. */
  | { readonly kind: 'response-too-large' };

export interface SandboxRun {
  readonly result: SandboxResult;
  /** Last 4 KB of the invocation's log, when asked for. */
  readonly logTail: string | undefined;
}

export interface SandboxInvocation {
  readonly requestId: string;
  readonly payload: Buffer;
  readonly clientContext: string | undefined;
  /** The ARN the caller used (with its qualifier, if any), for Lambda-Runtime-Invoked-Function-Arn. */
  readonly invokedFunctionArn: string;
  readonly keepTail: boolean;
  /**
   * The caller's connection: aborted when it goes away. Functions tagged hearth:timeout=none run
   * without a Timeout only when given one, and are cancelled (the sandbox reset) when it aborts.
   */
  readonly signal?: AbortSignal;
}

/** The REPORT line's `Status` / `Error Type` for a result (none for a success or a handled error). */
export function reportStatus(result: SandboxResult): {
  status: 'timeout' | 'error' | undefined;
  errorType: string | undefined;
} {
  switch (result.kind) {
    case 'success':
    case 'function-error':
      return { status: undefined, errorType: undefined };
    case 'timeout':
      return { status: 'timeout', errorType: undefined };
    case 'init-error':
      return { status: 'error', errorType: result.errorType };
    case 'exit':
      return { status: 'error', errorType: 'Runtime.ExitError' };
    case 'response-too-large':
      return { status: 'error', errorType: 'Function.ResponseSizeTooLarge' };
    default: {
      const never: never = result;
      throw new Error(`unknown result ${JSON.stringify(never)}`);
    }
  }
}
