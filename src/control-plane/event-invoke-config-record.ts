// What PutFunctionEventInvokeConfig stores for one function and qualifier ($LATEST, a version or
// an alias): the async retry policy and the on-success / on-failure destinations
// (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html).

export interface EventInvokeConfigRecord {
  readonly functionName: string;
  /** `$LATEST` for the unqualified function, else a version number or an alias name. */
  readonly qualifier: string;
  /** 0–2; undefined means Lambda's default (2). */
  readonly maximumRetryAttempts: number | undefined;
  /** 60–21,600; undefined means Lambda's default (21,600 = 6 h). */
  readonly maximumEventAgeInSeconds: number | undefined;
  /** Destination ARNs (Hearth: Lambda function ARNs only). */
  readonly onSuccess: string | undefined;
  readonly onFailure: string | undefined;
  /** Milliseconds since the epoch. */
  readonly lastModified: number;
}

/** Lambda's defaults (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600;
