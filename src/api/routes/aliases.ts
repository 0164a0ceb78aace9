// CreateAlias, GetAlias, UpdateAlias, DeleteAlias and ListAliases (Lambda API model).
import { readAliasInput } from '../../control-plane/alias-input.js';
import type { AliasService } from '../../control-plane/alias-service.js';
import { renderAlias } from '../../control-plane/alias-view.js';
import type { Account } from '../../control-plane/function-name.js';
import type { ApiRequest, Route } from '../route.js';
import { functionNameOf, markerOf, maxItemsOf } from './request-params.js';

const ALIASES = '/2015-03-31/functions/{FunctionName}/aliases';

function aliasNameOf(request: ApiRequest): string {
  return request.params['Name'] ?? '';
}

export function aliasRoutes(aliases: AliasService, account: Account): Route[] {
  return [
    {
      operation: 'CreateAlias',
      method: 'POST',
      path: ALIASES,
      handler: async (request) => {
        const alias = await aliases.create(functionNameOf(request), readAliasInput(request.body));
        return { status: 201, body: renderAlias(alias, account) };
      },
    },
    {
      operation: 'ListAliases',
      method: 'GET',
      path: ALIASES,
      handler: async (request) => {
        const page = await aliases.list(functionNameOf(request), {
          functionVersion: request.query.get('FunctionVersion') ?? undefined,
          marker: markerOf(request),
          maxItems: maxItemsOf(request),
        });
        const body: Record<string, unknown> = { Aliases: page.aliases.map((alias) => renderAlias(alias, account)) };
        if (page.nextMarker !== undefined) body['NextMarker'] = page.nextMarker;
        return { status: 200, body };
      },
    },
    {
      operation: 'GetAlias',
      method: 'GET',
      path: `${ALIASES}/{Name}`,
      handler: async (request) => {
        const alias = await aliases.get(functionNameOf(request), aliasNameOf(request));
        return { status: 200, body: renderAlias(alias, account) };
      },
    },
    {
      operation: 'UpdateAlias',
      method: 'PUT',
      path: `${ALIASES}/{Name}`,
      handler: async (request) => {
        const input = readAliasInput(request.body);
        const alias = await aliases.update(functionNameOf(request), aliasNameOf(request), input);
        return { status: 200, body: renderAlias(alias, account) };
      },
    },
    {
      operation: 'DeleteAlias',
      method: 'DELETE',
      path: `${ALIASES}/{Name}`,
      handler: async (request) => {
        await aliases.delete(functionNameOf(request), aliasNameOf(request));
        return { status: 204 };
      },
    },
  ];
}
