// PublishVersion and ListVersionsByFunction (paths and codes from the Lambda API model).
import type { Account } from '../../control-plane/function-name.js';
import { renderConfiguration, renderListedConfiguration } from '../../control-plane/function-view.js';
import { JsonReader, parseJsonObject } from '../../control-plane/request-json.js';
import type { VersionService } from '../../control-plane/version-service.js';
import type { Route } from '../route.js';
import { functionNameOf, markerOf, maxItemsOf } from './request-params.js';

export function versionRoutes(versions: VersionService, account: Account): Route[] {
  return [
    {
      operation: 'PublishVersion',
      method: 'POST',
      path: '/2015-03-31/functions/{FunctionName}/versions',
      handler: async (request) => {
        const json = new JsonReader(parseJsonObject(request.body));
        const record = await versions.publish(functionNameOf(request), {
          codeSha256: json.string('CodeSha256'),
          description: json.string('Description'),
          revisionId: json.string('RevisionId'),
        });
        return { status: 201, body: renderConfiguration(record, account) };
      },
    },
    {
      operation: 'ListVersionsByFunction',
      method: 'GET',
      path: '/2015-03-31/functions/{FunctionName}/versions',
      handler: async (request) => {
        const page = await versions.list(functionNameOf(request), {
          marker: markerOf(request),
          maxItems: maxItemsOf(request),
        });
        const body: Record<string, unknown> = {
          Versions: page.versions.map((record) => renderListedConfiguration(record, account)),
        };
        if (page.nextMarker !== undefined) body['NextMarker'] = page.nextMarker;
        return { status: 200, body };
      },
    },
  ];
}
