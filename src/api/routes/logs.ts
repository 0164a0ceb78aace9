// Hearth's own log endpoint (no AWS equivalent; CloudWatch Logs is not emulated), used by
// `hearth logs`: `GET /hearth/2026-11-01/functions/{FunctionName}/logs?after=<seq>&limit=<n>`
// → `{"events":[{seq,timestamp,logStream,message,source,requestId?}],"nextSeq":n}`. SigV4-signed
// like the rest. Follow by calling again with `after=nextSeq`. `message` is the line as written
// (control characters included); `source` (`platform` | `function`) and `requestId` (absent for
// init output and lines between invocations) are Hearth's record, not parsed from it (docs/logs.md).
import { errors } from '../../errors/lambda-error.js';
import { LATEST } from '../../control-plane/function-record.js';
import { functionArn, parseFunctionName, type Account } from '../../control-plane/function-name.js';
import type { FunctionStore, LogStore } from '../../storage/ports.js';
import type { Route } from '../route.js';

export const DEFAULT_LOG_LIMIT = 1000;
export const MAX_LOG_LIMIT = 10_000;

export function logRoutes(
  logs: Pick<LogStore, 'read'>,
  functions: Pick<FunctionStore, 'get'>,
  account: Account,
): Route[] {
  return [
    {
      operation: 'GetFunctionLogs',
      method: 'GET',
      path: '/hearth/2026-11-01/functions/{FunctionName}/logs',
      handler: async (request) => {
        const { name } = parseFunctionName(request.params['FunctionName'] ?? '', undefined, account);
        const after = wholeNumber(request.query.get('after'), 0, 'after', Number.MAX_SAFE_INTEGER);
        const limit = wholeNumber(request.query.get('limit'), DEFAULT_LOG_LIMIT, 'limit', MAX_LOG_LIMIT, 1);
        if ((await functions.get(name, LATEST)) === undefined) {
          throw errors.functionNotFound(functionArn(account, name));
        }
        const events = await logs.read(name, after, limit);
        const last = events[events.length - 1];
        return {
          status: 200,
          body: {
            events: events.map((e) => ({
              seq: e.seq,
              timestamp: e.timestamp,
              logStream: e.logStream,
              message: e.message,
              source: e.source,
              ...(e.requestId !== undefined ? { requestId: e.requestId } : {}),
            })),
            nextSeq: last === undefined ? after : last.seq,
          },
        };
      },
    },
  ];
}

function wholeNumber(value: string | null, fallback: number, member: string, max: number, min = 0): number {
  if (value === null || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw errors.constraint(value, member, 'Member must be a whole number');
  }
  if (n < min) throw errors.constraint(value, member, `Member must have value greater than or equal to ${min}`);
  if (n > max) throw errors.constraint(value, member, `Member must have value less than or equal to ${max}`);
  return n;
}
