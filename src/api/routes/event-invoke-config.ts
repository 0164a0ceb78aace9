// Asynchronous invocation settings (Lambda API reference, 2019-09-25): Put (PUT, replaces),
// Update (POST, merges), Get, Delete and List (…/event-invoke-config/list).
import {
  eventInvokeConfigView,
  type EventInvokeConfigInput,
  type EventInvokeConfigService,
} from '../../control-plane/event-invoke-config-service.js';
import type { Account } from '../../control-plane/function-name.js';
import { JsonReader, parseJsonObject } from '../../control-plane/request-json.js';
import type { ApiRequest, Route } from '../route.js';
import { functionNameOf, markerOf, maxItemsOf, qualifierOf } from './request-params.js';

const PATH = '/2019-09-25/functions/{FunctionName}/event-invoke-config';

export function eventInvokeConfigRoutes(service: EventInvokeConfigService, account: Account): Route[] {
  const view = (record: Parameters<typeof eventInvokeConfigView>[1]) => eventInvokeConfigView(account, record);
  return [
    {
      operation: 'PutFunctionEventInvokeConfig',
      method: 'PUT',
      path: PATH,
      handler: async (request) => ({
        status: 200,
        body: view(await service.put(functionNameOf(request), qualifierOf(request), inputOf(request))),
      }),
    },
    {
      operation: 'UpdateFunctionEventInvokeConfig',
      method: 'POST',
      path: PATH,
      handler: async (request) => ({
        status: 200,
        body: view(await service.update(functionNameOf(request), qualifierOf(request), inputOf(request))),
      }),
    },
    {
      operation: 'GetFunctionEventInvokeConfig',
      method: 'GET',
      path: PATH,
      handler: async (request) => ({
        status: 200,
        body: view(await service.get(functionNameOf(request), qualifierOf(request))),
      }),
    },
    {
      operation: 'DeleteFunctionEventInvokeConfig',
      method: 'DELETE',
      path: PATH,
      handler: async (request) => {
        await service.delete(functionNameOf(request), qualifierOf(request));
        return { status: 204 };
      },
    },
    {
      operation: 'ListFunctionEventInvokeConfigs',
      method: 'GET',
      path: `${PATH}/list`,
      handler: async (request) => {
        const { configs, nextMarker } = await service.list(
          functionNameOf(request),
          markerOf(request),
          maxItemsOf(request),
        );
        return {
          status: 200,
          body: {
            FunctionEventInvokeConfigs: configs.map(view),
            ...(nextMarker !== undefined ? { NextMarker: nextMarker } : {}),
          },
        };
      },
    },
  ];
}

function inputOf(request: ApiRequest): EventInvokeConfigInput {
  const json = new JsonReader(parseJsonObject(request.body));
  const destinations = json.object('DestinationConfig');
  const destination = (member: string) => {
    const value = destinations?.object(member)?.string('Destination');
    return value === '' ? undefined : value;
  };
  return {
    maximumRetryAttempts: json.integer('MaximumRetryAttempts'),
    maximumEventAgeInSeconds: json.integer('MaximumEventAgeInSeconds'),
    onSuccess: destination('OnSuccess'),
    onFailure: destination('OnFailure'),
  };
}
