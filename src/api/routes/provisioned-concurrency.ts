// Put, Get, Delete and List provisioned concurrency configurations, all under 2019-09-30; List is
// the GET with `?List=ALL`, and Put answers 202 (Lambda API model).
import type {
  ProvisionedConcurrencyService,
  ProvisionedConcurrencyView,
} from '../../control-plane/provisioned-concurrency-service.js';
import { JsonReader, parseJsonObject } from '../../control-plane/request-json.js';
import type { Route } from '../route.js';
import { functionNameOf, markerOf, maxItemsOf, qualifierOf } from './request-params.js';

const PATH = '/2019-09-30/functions/{FunctionName}/provisioned-concurrency';

function render(view: ProvisionedConcurrencyView): Record<string, unknown> {
  return {
    RequestedProvisionedConcurrentExecutions: view.config.requested,
    AvailableProvisionedConcurrentExecutions: view.available,
    AllocatedProvisionedConcurrentExecutions: view.allocated,
    Status: view.status,
    ...(view.statusReason !== undefined ? { StatusReason: view.statusReason } : {}),
    LastModified: view.config.lastModified,
  };
}

export function provisionedConcurrencyRoutes(provisioned: ProvisionedConcurrencyService): Route[] {
  return [
    {
      operation: 'PutProvisionedConcurrencyConfig',
      method: 'PUT',
      path: PATH,
      handler: async (request) => {
        const json = new JsonReader(parseJsonObject(request.body));
        const view = await provisioned.put(
          functionNameOf(request),
          qualifierOf(request),
          json.integer('ProvisionedConcurrentExecutions'),
        );
        return { status: 202, body: render(view) };
      },
    },
    {
      operation: 'ListProvisionedConcurrencyConfigs',
      method: 'GET',
      path: PATH,
      query: { List: 'ALL' },
      handler: async (request) => {
        const page = await provisioned.list(functionNameOf(request), {
          marker: markerOf(request),
          maxItems: maxItemsOf(request),
        });
        const body: Record<string, unknown> = {
          ProvisionedConcurrencyConfigs: page.configs.map((view) => ({
            FunctionArn: provisioned.arnOf(view.config),
            ...render(view),
          })),
        };
        if (page.nextMarker !== undefined) body['NextMarker'] = page.nextMarker;
        return { status: 200, body };
      },
    },
    {
      operation: 'GetProvisionedConcurrencyConfig',
      method: 'GET',
      path: PATH,
      handler: async (request) => {
        const view = await provisioned.get(functionNameOf(request), qualifierOf(request));
        return { status: 200, body: render(view) };
      },
    },
    {
      operation: 'DeleteProvisionedConcurrencyConfig',
      method: 'DELETE',
      path: PATH,
      handler: async (request) => {
        await provisioned.delete(functionNameOf(request), qualifierOf(request));
        return { status: 204 };
      },
    },
  ];
}
