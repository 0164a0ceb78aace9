// TagResource, UntagResource and ListTags (Lambda API model, `/2017-03-31/tags/{Resource}`).
import { JsonReader, parseJsonObject } from '../../control-plane/request-json.js';
import type { TagService } from '../../control-plane/tag-service.js';
import type { Route } from '../route.js';

export function tagRoutes(tags: TagService): Route[] {
  return [
    {
      operation: 'TagResource',
      method: 'POST',
      path: '/2017-03-31/tags/{Resource}',
      handler: async (request) => {
        const body = new JsonReader(parseJsonObject(request.body));
        await tags.tag(request.params['Resource'] ?? '', body.stringMap('Tags'));
        return { status: 204 };
      },
    },
    {
      operation: 'UntagResource',
      method: 'DELETE',
      path: '/2017-03-31/tags/{Resource}',
      handler: async (request) => {
        await tags.untag(request.params['Resource'] ?? '', request.query.getAll('tagKeys'));
        return { status: 204 };
      },
    },
    {
      operation: 'ListTags',
      method: 'GET',
      path: '/2017-03-31/tags/{Resource}',
      handler: async (request) => ({ status: 200, body: { Tags: await tags.list(request.params['Resource'] ?? '') } }),
    },
  ];
}
