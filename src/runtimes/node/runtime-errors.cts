// The errors the Node runtime reports, named as AWS's Node runtime interface client names them
// (aws/aws-lambda-nodejs-runtime-interface-client src/utils/errors.ts), and the payload shape it
// posts to the Runtime API: {errorType, errorMessage, trace}.

export class MalformedHandlerName extends Error {
  override readonly name = 'Runtime.MalformedHandlerName';
}

export class HandlerNotFound extends Error {
  override readonly name = 'Runtime.HandlerNotFound';
}

/** Wraps a module-not-found error; the message is the original error as a string. */
export class ImportModuleError extends Error {
  override readonly name = 'Runtime.ImportModuleError';
  constructor(cause: unknown) {
    super(String(cause));
  }
}

/** Wraps a SyntaxError from the user's module and keeps its stack (which shows the bad line). */
export class UserCodeSyntaxError extends Error {
  override readonly name = 'Runtime.UserCodeSyntaxError';
  constructor(cause: Error) {
    super(String(cause));
    this.stack = cause.stack ?? this.stack;
  }
}

export class UnhandledPromiseRejection extends Error {
  override readonly name = 'Runtime.UnhandledPromiseRejection';
  constructor(readonly reason: unknown) {
    super(describe(reason));
  }
}

export interface ErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

/** What Lambda's Node runtime posts for a thrown value: Errors by name, anything else by typeof. */
export function errorPayload(thrown: unknown): ErrorPayload {
  try {
    if (thrown instanceof Error) {
      return {
        errorType: noDel(String(thrown.name)),
        errorMessage: noDel(String(thrown.message)),
        trace: typeof thrown.stack === 'string' ? noDel(thrown.stack).split('\n') : [],
      };
    }
    return { errorType: typeof thrown, errorMessage: describe(thrown), trace: [] };
  } catch {
    return {
      errorType: 'handled',
      errorMessage:
        'callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack',
      trace: [],
    };
  }
}

/**
 * The JSON that follows "Invoke Error" / "Uncaught Exception" in the function's log, as Lambda
 * prints it: errorType, errorMessage, the error's own enumerable fields and its stack as lines.
 */
export function errorLogJson(thrown: unknown): string {
  const error = thrown instanceof Error ? thrown : new Error(describe(thrown));
  try {
    const record: Record<string, unknown> = { errorType: error.name, errorMessage: error.message };
    const code = (error as { code?: unknown }).code;
    if (code !== undefined) record['code'] = code;
    Object.assign(record, error);
    if (typeof error.stack === 'string') record['stack'] = error.stack.split('\n');
    return '\t' + JSON.stringify(record);
  } catch {
    return '\t' + JSON.stringify(errorPayload(error));
  }
}

function describe(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

// The Runtime API forbids DEL in header values; the client replaces it as AWS's does.
function noDel(text: string): string {
  return text.includes('\x7F') ? text.replaceAll('\x7F', '%7F') : text;
}
