// The parts of Lambda's JSON shapes the CLI reads and writes (AWS's PascalCase field names).
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html

export interface FunctionConfiguration {
  readonly FunctionName: string;
  readonly FunctionArn?: string;
  readonly Runtime?: string;
  readonly Handler?: string;
  readonly MemorySize?: number;
  readonly Timeout?: number;
  readonly CodeSize?: number;
  readonly CodeSha256?: string;
  readonly LastModified?: string;
  readonly Version?: string;
  readonly State?: string;
  readonly StateReason?: string;
  readonly StateReasonCode?: string;
  readonly LastUpdateStatus?: string;
  readonly LastUpdateStatusReason?: string;
  readonly LastUpdateStatusReasonCode?: string;
}

export interface ListFunctionsOutput {
  readonly Functions?: readonly FunctionConfiguration[];
  readonly NextMarker?: string | null;
}

/** Configuration fields `hearth deploy` may set (CreateFunction / UpdateFunctionConfiguration). */
export interface FunctionSettings {
  readonly Runtime?: string;
  readonly Handler?: string;
  readonly Role?: string;
  readonly MemorySize?: number;
  readonly Timeout?: number;
  readonly Environment?: { readonly Variables: Readonly<Record<string, string>> };
}

export interface InvokeResult {
  readonly statusCode: number;
  readonly payload: Buffer;
  /** `Handled` / `Unhandled` when the function failed (X-Amz-Function-Error). */
  readonly functionError: string | undefined;
  /** The decoded log tail when asked for with LogType Tail (X-Amz-Log-Result). */
  readonly logTail: string | undefined;
  readonly executedVersion: string | undefined;
}

/** One stored log line, as Hearth's logs endpoint answers it. */
export interface LogEvent {
  readonly seq: number;
  readonly timestamp: number;
  readonly logStream: string;
  readonly message: string;
  /** Who wrote it: Hearth (`platform`) or the function's stdout/stderr (`function`). */
  readonly source: 'platform' | 'function';
  /** The invocation it was written during; absent for init output and between invocations. */
  readonly requestId?: string;
}

export interface LogPage {
  readonly events: readonly LogEvent[];
  readonly nextSeq: number;
}
