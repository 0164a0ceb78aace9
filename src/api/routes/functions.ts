// The function operations of the Lambda REST API: paths, methods and success codes from the
// Lambda API model (botocore lambda/2015-03-31 service-2.json); bodies from control-plane/.
import type { CodeUrlSigner } from '../../control-plane/code-url-signer.js';
import {
  readCreateFunctionInput,
  readUpdateCodeInput,
  readUpdateConfigurationInput,
} from '../../control-plane/function-input.js';
import type { FunctionService } from '../../control-plane/function-service.js';
import {
  renderConfiguration,
  renderGetFunction,
  renderListedConfiguration,
} from '../../control-plane/function-view.js';
import { errors } from '../../errors/lambda-error.js';
import type { ApiRequest, Route } from '../route.js';
import { aliasRoutes } from './aliases.js';
import { concurrencyRoutes } from './concurrency.js';
import { provisionedConcurrencyRoutes } from './provisioned-concurrency.js';
import { functionNameOf, maxItemsOf, qualifierOf } from './request-params.js';
import { versionRoutes } from './versions.js';

/** Lambda's cap on a CreateFunction / UpdateFunctionCode request (the zip travels base64 in JSON). */
export const CODE_REQUEST_MAX_BYTES = 70_167_211;

/** The origin the client used, so that Code.Location works from wherever it called us. */
export function requestOrigin(request: ApiRequest): string {
  const forwarded = request.headers['x-forwarded-proto'];
  const scheme = (Array.isArray(forwarded) ? forwarded[0] : forwarded) === 'https' ? 'https' : 'http';
  return `${scheme}://${request.headers.host ?? 'localhost'}`;
}

/** True for FunctionVersion=ALL (every published version too); absent lists `$LATEST` only. */
function allVersionsAsked(request: ApiRequest): boolean {
  const version = request.query.get('FunctionVersion');
  if (version !== null && version !== 'ALL') {
    throw errors.constraint(version, 'functionVersion', 'Member must satisfy enum value set: [ALL]');
  }
  return version === 'ALL';
}

export function functionRoutes(service: FunctionService, codeUrls: CodeUrlSigner): Route[] {
  const account = service.account;
  return [
    {
      operation: 'CreateFunction',
      method: 'POST',
      path: '/2015-03-31/functions',
      maxBodyBytes: CODE_REQUEST_MAX_BYTES,
      handler: async (request) => {
        const record = await service.create(readCreateFunctionInput(request.body));
        return { status: 201, body: renderConfiguration(record, account) };
      },
    },
    {
      operation: 'ListFunctions',
      method: 'GET',
      path: '/2015-03-31/functions',
      handler: async (request) => {
        const page = await service.list({
          marker: request.query.get('Marker') ?? undefined,
          maxItems: maxItemsOf(request),
          allVersions: allVersionsAsked(request),
        });
        const body: Record<string, unknown> = {
          Functions: page.functions.map((r) => renderListedConfiguration(r, account)),
        };
        if (page.nextMarker !== undefined) body['NextMarker'] = page.nextMarker;
        return { status: 200, body };
      },
    },
    {
      operation: 'GetFunction',
      method: 'GET',
      path: '/2015-03-31/functions/{FunctionName}',
      handler: async (request) => {
        const { record, qualifier } = await service.resolve(functionNameOf(request), qualifierOf(request));
        const location = `${requestOrigin(request)}${codeUrls.pathFor(record.codeSha256)}`;
        const reservedConcurrency = await service.concurrency.get(record.name);
        const body = renderGetFunction(record, account, location, { asked: qualifier, reservedConcurrency });
        return { status: 200, body };
      },
    },
    {
      operation: 'GetFunctionConfiguration',
      method: 'GET',
      path: '/2015-03-31/functions/{FunctionName}/configuration',
      handler: async (request) => {
        const { record, qualifier } = await service.resolve(functionNameOf(request), qualifierOf(request));
        return { status: 200, body: renderConfiguration(record, account, qualifier) };
      },
    },
    {
      operation: 'UpdateFunctionCode',
      method: 'PUT',
      path: '/2015-03-31/functions/{FunctionName}/code',
      maxBodyBytes: CODE_REQUEST_MAX_BYTES,
      handler: async (request) => {
        const record = await service.updateCode(functionNameOf(request), readUpdateCodeInput(request.body));
        return { status: 200, body: renderConfiguration(record, account) };
      },
    },
    {
      operation: 'UpdateFunctionConfiguration',
      method: 'PUT',
      path: '/2015-03-31/functions/{FunctionName}/configuration',
      handler: async (request) => {
        const input = readUpdateConfigurationInput(request.body);
        const record = await service.updateConfiguration(functionNameOf(request), input);
        return { status: 200, body: renderConfiguration(record, account) };
      },
    },
    {
      operation: 'DeleteFunction',
      method: 'DELETE',
      path: '/2015-03-31/functions/{FunctionName}',
      handler: async (request) => {
        await service.delete(functionNameOf(request), qualifierOf(request));
        // The model says 200, but Lambda answers 204 on the wire; the SDKs accept both.
        return { status: 204 };
      },
    },
    ...versionRoutes(service.versions, account),
    ...aliasRoutes(service.aliases, account),
    ...concurrencyRoutes(service.concurrency),
    ...provisionedConcurrencyRoutes(service.provisioned),
  ];
}
