// The layer operations of the Lambda REST API, all under the 2018-10-31 date prefix; paths,
// methods and success codes from the Lambda API model (PublishLayerVersion … GetLayerVersionPolicy).
import type { CodeUrlSigner } from '../../control-plane/code-url-signer.js';
import { readLayerPermissionInput, readPublishLayerInput } from '../../control-plane/layer-input.js';
import type { LayerPolicyService } from '../../control-plane/layer-policy-service.js';
import type { LayerFilter, LayerService } from '../../control-plane/layer-service.js';
import { renderLayersListItem, renderLayerVersion, renderLayerVersionItem } from '../../control-plane/layer-view.js';
import type { LayerVersionRecord } from '../../control-plane/layer-record.js';
import { errors } from '../../errors/lambda-error.js';
import type { ApiRequest, Route } from '../route.js';
import { CODE_REQUEST_MAX_BYTES, requestOrigin } from './functions.js';
import { markerOf, maxItemsOf } from './request-params.js';

const LAYERS = '/2018-10-31/layers';
const VERSION = `${LAYERS}/{LayerName}/versions/{VersionNumber}`;

function layerNameOf(request: ApiRequest): string {
  return request.params['LayerName'] ?? '';
}

function versionNumberOf(request: ApiRequest): number {
  const text = request.params['VersionNumber'] ?? '';
  const value = Number(text);
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(value)) {
    throw errors.constraint(text, 'versionNumber', 'Member must be a number');
  }
  return value;
}

function filterOf(request: ApiRequest): LayerFilter {
  return {
    compatibleRuntime: request.query.get('CompatibleRuntime') ?? undefined,
    compatibleArchitecture: request.query.get('CompatibleArchitecture') ?? undefined,
    marker: markerOf(request),
    maxItems: maxItemsOf(request),
  };
}

function page(key: string, items: readonly unknown[], nextMarker: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = { [key]: items };
  if (nextMarker !== undefined) body['NextMarker'] = nextMarker;
  return body;
}

export function layerRoutes(layers: LayerService, policies: LayerPolicyService, codeUrls: CodeUrlSigner): Route[] {
  const account = layers.account;
  const full = (request: ApiRequest, record: LayerVersionRecord) =>
    renderLayerVersion(record, account, `${requestOrigin(request)}${codeUrls.pathFor(record.codeSha256)}`);
  return [
    {
      operation: 'PublishLayerVersion',
      method: 'POST',
      path: `${LAYERS}/{LayerName}/versions`,
      maxBodyBytes: CODE_REQUEST_MAX_BYTES,
      handler: async (request) => {
        const record = await layers.publish(layerNameOf(request), readPublishLayerInput(request.body));
        return { status: 201, body: full(request, record) };
      },
    },
    {
      operation: 'ListLayerVersions',
      method: 'GET',
      path: `${LAYERS}/{LayerName}/versions`,
      handler: async (request) => {
        const result = await layers.listVersions(layerNameOf(request), filterOf(request));
        const items = result.items.map((record) => renderLayerVersionItem(record, account));
        return { status: 200, body: page('LayerVersions', items, result.nextMarker) };
      },
    },
    {
      operation: 'GetLayerVersion',
      method: 'GET',
      path: VERSION,
      handler: async (request) => {
        const record = await layers.get(layerNameOf(request), versionNumberOf(request));
        return { status: 200, body: full(request, record) };
      },
    },
    {
      operation: 'DeleteLayerVersion',
      method: 'DELETE',
      path: VERSION,
      handler: async (request) => {
        await layers.delete(layerNameOf(request), versionNumberOf(request));
        return { status: 204 };
      },
    },
    {
      operation: 'GetLayerVersionByArn',
      method: 'GET',
      path: LAYERS,
      query: { find: 'LayerVersion' },
      handler: async (request) => {
        const record = await layers.getByArn(request.query.get('Arn') ?? '');
        return { status: 200, body: full(request, record) };
      },
    },
    {
      operation: 'ListLayers',
      method: 'GET',
      path: LAYERS,
      handler: async (request) => {
        const result = await layers.list(filterOf(request));
        const items = result.items.map((record) => renderLayersListItem(record, account));
        return { status: 200, body: page('Layers', items, result.nextMarker) };
      },
    },
    {
      operation: 'AddLayerVersionPermission',
      method: 'POST',
      path: `${VERSION}/policy`,
      handler: async (request) => {
        const added = await policies.add(
          layerNameOf(request),
          versionNumberOf(request),
          readLayerPermissionInput(request.body),
          request.query.get('RevisionId') ?? undefined,
        );
        return { status: 201, body: { Statement: added.statement, RevisionId: added.revisionId } };
      },
    },
    {
      operation: 'GetLayerVersionPolicy',
      method: 'GET',
      path: `${VERSION}/policy`,
      handler: async (request) => {
        const policy = await policies.get(layerNameOf(request), versionNumberOf(request));
        return { status: 200, body: { Policy: policy.policy, RevisionId: policy.revisionId } };
      },
    },
    {
      operation: 'RemoveLayerVersionPermission',
      method: 'DELETE',
      path: `${VERSION}/policy/{StatementId}`,
      handler: async (request) => {
        await policies.remove(
          layerNameOf(request),
          versionNumberOf(request),
          request.params['StatementId'] ?? '',
          request.query.get('RevisionId') ?? undefined,
        );
        return { status: 204 };
      },
    },
  ];
}
