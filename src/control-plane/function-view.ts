// FunctionRecord → the JSON Lambda sends: FunctionConfiguration, GetFunction's response and
// ListFunctions' entries, field names as in the Lambda API reference
// (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html).
import { functionArn, type Account } from './function-name.js';
import { LATEST, type FunctionRecord } from './function-record.js';

export type FunctionConfigurationJson = Record<string, unknown>;

/** `asked`: the qualifier the caller named; an alias shows in the ARN, as on AWS. */
function arnOf(record: FunctionRecord, account: Account, asked: string | undefined): string {
  if (asked !== undefined && asked !== LATEST && asked !== record.version)
    return functionArn(account, record.name, asked);
  // $LATEST is shown with the unqualified ARN; published versions carry their number.
  return functionArn(account, record.name, record.version === LATEST ? undefined : record.version);
}

/** The fields every view of a function shows (ListFunctions shows only these). */
function baseConfiguration(record: FunctionRecord, account: Account, asked?: string): FunctionConfigurationJson {
  const view: FunctionConfigurationJson = {
    FunctionName: record.name,
    FunctionArn: arnOf(record, account, asked),
    Runtime: record.runtime,
    Role: record.role,
    Handler: record.handler,
    CodeSize: record.codeSize,
    Description: record.description,
    Timeout: record.timeout,
    MemorySize: record.memorySize,
    LastModified: record.lastModified,
    CodeSha256: record.codeSha256,
    Version: record.version,
  };
  // AWS leaves Environment out when the function has no variables.
  if (Object.keys(record.environment).length > 0) view['Environment'] = { Variables: { ...record.environment } };
  // Layers, in merge order, as the `Layer` shape (Arn, CodeSize); left out when there are none.
  if (record.layers !== undefined && record.layers.length > 0) {
    view['Layers'] = record.layers.map((layer) => ({ Arn: layer.arn, CodeSize: layer.codeSize }));
  }
  Object.assign(view, {
    TracingConfig: { Mode: 'PassThrough' },
    RevisionId: record.revisionId,
    PackageType: record.packageType,
    Architectures: [...record.architectures],
    EphemeralStorage: { Size: record.ephemeralStorage },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: { LogFormat: 'Text', LogGroup: `/aws/lambda/${record.name}` },
  });
  return view;
}

/** The full FunctionConfiguration (Create, Get, GetFunctionConfiguration, Update*). */
export function renderConfiguration(
  record: FunctionRecord,
  account: Account,
  asked?: string,
): FunctionConfigurationJson {
  const view = baseConfiguration(record, account, asked);
  view['State'] = record.state;
  if (record.stateReason !== undefined) view['StateReason'] = record.stateReason;
  if (record.stateReasonCode !== undefined) view['StateReasonCode'] = record.stateReasonCode;
  view['LastUpdateStatus'] = record.lastUpdateStatus;
  if (record.lastUpdateStatusReason !== undefined) view['LastUpdateStatusReason'] = record.lastUpdateStatusReason;
  if (record.lastUpdateStatusReasonCode !== undefined)
    view['LastUpdateStatusReasonCode'] = record.lastUpdateStatusReasonCode;
  return view;
}

/**
 * An entry of ListFunctions: "ListFunctions returns a subset of the FunctionConfiguration fields"
 * — State, StateReason(Code) and LastUpdateStatus(Reason)(Code) only come from GetFunction
 * (https://docs.aws.amazon.com/lambda/latest/api/API_ListFunctions.html).
 */
export function renderListedConfiguration(record: FunctionRecord, account: Account): FunctionConfigurationJson {
  return baseConfiguration(record, account);
}

/** GetFunction's response; Tags is left out when the function has none. */
export function renderGetFunction(
  record: FunctionRecord,
  account: Account,
  codeLocation: string,
  extra: { readonly asked?: string | undefined; readonly reservedConcurrency?: number | undefined } = {},
): Record<string, unknown> {
  const response: Record<string, unknown> = {
    Configuration: renderConfiguration(record, account, extra.asked),
    Code: { RepositoryType: 'S3', Location: codeLocation },
  };
  if (Object.keys(record.tags).length > 0) response['Tags'] = { ...record.tags };
  if (extra.reservedConcurrency !== undefined) {
    response['Concurrency'] = { ReservedConcurrentExecutions: extra.reservedConcurrency };
  }
  return response;
}
