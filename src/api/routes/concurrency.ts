// Reserved concurrency. The date prefix differs per operation (Lambda API model): Put and Delete
// live under 2017-10-31, Get under 2019-09-30.
import type { ConcurrencyService } from '../../control-plane/concurrency-service.js';
import { JsonReader, parseJsonObject } from '../../control-plane/request-json.js';
import type { Route } from '../route.js';
import { functionNameOf } from './request-params.js';

export function concurrencyRoutes(concurrency: ConcurrencyService): Route[] {
  return [
    {
      operation: 'PutFunctionConcurrency',
      method: 'PUT',
      path: '/2017-10-31/functions/{FunctionName}/concurrency',
      handler: async (request) => {
        const json = new JsonReader(parseJsonObject(request.body));
        const value = await concurrency.put(functionNameOf(request), json.integer('ReservedConcurrentExecutions'));
        return { status: 200, body: { ReservedConcurrentExecutions: value } };
      },
    },
    {
      operation: 'GetFunctionConcurrency',
      method: 'GET',
      path: '/2019-09-30/functions/{FunctionName}/concurrency',
      handler: async (request) => {
        const value = await concurrency.get(functionNameOf(request));
        return { status: 200, body: value === undefined ? {} : { ReservedConcurrentExecutions: value } };
      },
    },
    {
      operation: 'DeleteFunctionConcurrency',
      method: 'DELETE',
      path: '/2017-10-31/functions/{FunctionName}/concurrency',
      handler: async (request) => {
        await concurrency.delete(functionNameOf(request));
        return { status: 204 };
      },
    },
  ];
}
