// LayerVersionRecord → the JSON Lambda sends: GetLayerVersion / PublishLayerVersion responses,
// ListLayerVersions' and ListLayers' items, and the policy statements, field names as in the
// Lambda API reference (GetLayerVersion, LayerVersionsListItem, LayersListItem).
import type { Account } from './function-name.js';
import { layerArn, layerVersionArn } from './layer-arn.js';
import type { LayerStatement, LayerVersionRecord } from './layer-record.js';

type Json = Record<string, unknown>;

/** A LayerVersionsListItem: everything but Content and LayerArn. */
export function renderLayerVersionItem(record: LayerVersionRecord, account: Account): Json {
  const item: Json = {
    LayerVersionArn: layerVersionArn(account, record.layerName, record.version),
    Version: record.version,
    Description: record.description,
    CreatedDate: record.createdDate,
  };
  if (record.compatibleRuntimes.length > 0) item['CompatibleRuntimes'] = [...record.compatibleRuntimes];
  if (record.licenseInfo !== undefined) item['LicenseInfo'] = record.licenseInfo;
  if (record.compatibleArchitectures.length > 0) item['CompatibleArchitectures'] = [...record.compatibleArchitectures];
  return item;
}

/** GetLayerVersion, GetLayerVersionByArn and PublishLayerVersion; `location` downloads the zip. */
export function renderLayerVersion(record: LayerVersionRecord, account: Account, location: string): Json {
  return {
    Content: { Location: location, CodeSha256: record.codeSha256, CodeSize: record.codeSize },
    LayerArn: layerArn(account, record.layerName),
    ...renderLayerVersionItem(record, account),
  };
}

export function renderLayersListItem(latest: LayerVersionRecord, account: Account): Json {
  return {
    LayerName: latest.layerName,
    LayerArn: layerArn(account, latest.layerName),
    LatestMatchingVersion: renderLayerVersionItem(latest, account),
  };
}

/** One statement of the policy document, as IAM writes it (AddLayerVersionPermission's Statement). */
export function renderStatement(statement: LayerStatement, resource: string): Json {
  const principal = /^\d{12}$/.test(statement.principal)
    ? { AWS: `arn:aws:iam::${statement.principal}:root` }
    : statement.principal === '*'
      ? '*'
      : { AWS: statement.principal };
  const json: Json = {
    Sid: statement.sid,
    Effect: 'Allow',
    Principal: principal,
    Action: statement.action,
    Resource: resource,
  };
  if (statement.organizationId !== undefined) {
    json['Condition'] = { StringEquals: { 'aws:PrincipalOrgID': statement.organizationId } };
  }
  return json;
}

export function renderPolicy(statements: readonly LayerStatement[], resource: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Id: 'default',
    Statement: statements.map((statement) => renderStatement(statement, resource)),
  });
}
