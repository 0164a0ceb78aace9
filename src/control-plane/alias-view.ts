// AliasRecord → Lambda's AliasConfiguration JSON
// (https://docs.aws.amazon.com/lambda/latest/api/API_AliasConfiguration.html).
import type { AliasRecord } from './alias-record.js';
import { functionArn, type Account } from './function-name.js';

export function renderAlias(alias: AliasRecord, account: Account): Record<string, unknown> {
  const view: Record<string, unknown> = {
    AliasArn: functionArn(account, alias.functionName, alias.name),
    Name: alias.name,
    FunctionVersion: alias.functionVersion,
    Description: alias.description,
    RevisionId: alias.revisionId,
  };
  if (Object.keys(alias.additionalVersionWeights).length > 0) {
    view['RoutingConfig'] = { AdditionalVersionWeights: { ...alias.additionalVersionWeights } };
  }
  return view;
}
