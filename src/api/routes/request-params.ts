// The request parameters the function routes share: the {FunctionName} path parameter, the
// Qualifier, and the MaxItems / Marker pagination pair.
import { errors } from '../../errors/lambda-error.js';
import type { ApiRequest } from '../route.js';

export function functionNameOf(request: ApiRequest): string {
  return request.params['FunctionName'] ?? '';
}

export function qualifierOf(request: ApiRequest): string | undefined {
  return request.query.get('Qualifier') ?? undefined;
}

export function maxItemsOf(request: ApiRequest): number | undefined {
  const text = request.query.get('MaxItems');
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw errors.constraint(text, 'maxItems', 'Member must be an integer');
  return Number(text);
}

export function markerOf(request: ApiRequest): string | undefined {
  return request.query.get('Marker') ?? undefined;
}
