// A stand-in for Hearth's API in the CLI's tests: it checks every request's SigV4 signature
// with the server's own verifier and answers the few operations the CLI uses, the way Lambda
// does (status codes, x-amzn-ErrorType, State transitions). Not shipped behaviour; tests only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { staticCredentials } from '../../api/auth/credentials.js';
import { verifySigV4 } from '../../api/auth/sigv4.js';
import { LambdaError } from '../../errors/lambda-error.js';

export const FAKE_CREDENTIALS = { accessKeyId: 'AKIAFAKEHEARTH', secretAccessKey: 'fake/secret+key' };

interface FakeFunction {
  config: Record<string, unknown>;
  /** GetFunctionConfiguration calls left before a Pending/InProgress function settles. */
  pollsUntilSettled: number;
  /** What the function settles to: Active, or Failed with this reason. */
  settlesTo: 'Active' | { failed: string };
  zip: Buffer;
}

export interface FakeLambdaServer {
  readonly url: string;
  readonly functions: Map<string, FakeFunction>;
  /** `METHOD path?query` of each request, in order. */
  readonly requests: string[];
  readonly logs: { seq: number; timestamp: number; logStream: string; message: string }[];
  close(): Promise<void>;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
};

function fail(res: ServerResponse, error: LambdaError): void {
  json(res, error.status, { Type: error.type, message: error.message }, { 'x-amzn-ErrorType': error.code });
}

export async function startFakeLambdaServer(): Promise<FakeLambdaServer> {
  const functions = new Map<string, FakeFunction>();
  const requests: string[] = [];
  const logs: FakeLambdaServer['logs'] = [];

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const [rawPath = '', rawQuery = ''] = (req.url ?? '').split('?');
    requests.push(`${req.method} ${req.url}`);
    try {
      verifySigV4(
        { method: req.method ?? '', rawPath, rawQuery, headers: req.headers, body },
        staticCredentials(FAKE_CREDENTIALS),
        {
          region: 'us-east-1',
          service: 'lambda',
          now: new Date(),
          clockSkewSeconds: 300,
        },
      );
    } catch (error) {
      return fail(res, error as LambdaError);
    }
    const query = new URLSearchParams(rawQuery);
    // /2015-03-31/functions/NAME/… or /hearth/2026-11-01/functions/NAME/…
    const path = rawPath.split('/').map(decodeURIComponent);
    if (path[1] === 'hearth') path.splice(1, 1);
    const name = path[3] ?? '';
    const existing = functions.get(name);
    const notFound = new LambdaError(
      'ResourceNotFoundException',
      404,
      `Function not found: arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    );
    const route = `${req.method} ${rawPath.startsWith('/hearth/') ? 'hearth' : path[1]} ${path.slice(4).join('/')}`;
    const input = body.length > 0 ? (JSON.parse(body.toString()) as Record<string, unknown>) : {};

    if (req.method === 'POST' && rawPath === '/2015-03-31/functions') {
      const fnName = String(input['FunctionName']);
      if (functions.has(fnName))
        return fail(res, new LambdaError('ResourceConflictException', 409, `Function already exist: ${fnName}`));
      const zip = Buffer.from(String((input['Code'] as { ZipFile: string }).ZipFile), 'base64');
      const { Code: _code, ...rest } = input;
      const config = {
        ...rest,
        MemorySize: 128,
        Timeout: 3,
        ...rest,
        CodeSize: zip.length,
        State: 'Pending',
        LastUpdateStatus: 'InProgress',
        LastModified: '2026-11-22T10:00:00.000+0000',
      };
      functions.set(fnName, { config, pollsUntilSettled: 2, settlesTo: 'Active', zip });
      return json(res, 201, config);
    }
    if (req.method === 'GET' && rawPath === '/2015-03-31/functions') {
      const all = [...functions.values()].map(({ config }) => {
        const { State: _s, LastUpdateStatus: _u, ...listed } = config; // ListFunctions leaves State out, as on AWS
        return listed;
      });
      const start = Number(query.get('Marker') ?? 0);
      const pageSize = 2;
      const next = start + pageSize < all.length ? String(start + pageSize) : null;
      return json(res, 200, { Functions: all.slice(start, start + pageSize), NextMarker: next });
    }
    if (existing === undefined) return fail(res, notFound);
    switch (route) {
      case 'GET 2015-03-31 configuration': {
        if (existing.pollsUntilSettled > 0 && (existing.pollsUntilSettled -= 1) === 0) {
          const settled = existing.settlesTo;
          existing.config =
            settled === 'Active'
              ? { ...existing.config, State: 'Active', LastUpdateStatus: 'Successful' }
              : {
                  ...existing.config,
                  State: 'Failed',
                  StateReasonCode: 'InvalidRuntime',
                  StateReason: settled.failed,
                  LastUpdateStatus: 'Failed',
                };
        }
        return json(res, 200, existing.config);
      }
      case 'PUT 2015-03-31 code':
      case 'PUT 2015-03-31 configuration': {
        if (existing.config['LastUpdateStatus'] === 'InProgress') {
          return fail(
            res,
            new LambdaError(
              'ResourceConflictException',
              409,
              'The operation cannot be performed at this time. An update is in progress',
            ),
          );
        }
        if (path[4] === 'code') existing.zip = Buffer.from(String(input['ZipFile']), 'base64');
        existing.config = {
          ...existing.config,
          ...(path[4] === 'code' ? { CodeSize: existing.zip.length } : input),
          LastUpdateStatus: 'InProgress',
        };
        existing.pollsUntilSettled = 1;
        return json(res, 200, existing.config);
      }
      case 'DELETE 2015-03-31 ':
        functions.delete(name);
        return void res.writeHead(204).end();
      case 'POST 2015-03-31 invocations': {
        const event = JSON.parse(body.toString()) as { fail?: boolean };
        const tail: Record<string, string> =
          req.headers['x-amz-log-type'] === 'Tail'
            ? { 'X-Amz-Log-Result': Buffer.from('START RequestId: r1\nEND RequestId: r1\n').toString('base64') }
            : {};
        if (event.fail === true) {
          return json(
            res,
            200,
            { errorType: 'Error', errorMessage: 'boom', trace: [] },
            { 'X-Amz-Function-Error': 'Unhandled', ...tail },
          );
        }
        return json(
          res,
          200,
          { echo: event, qualifier: query.get('Qualifier') },
          { 'X-Amz-Executed-Version': '$LATEST', ...tail },
        );
      }
      case 'GET hearth logs': {
        const after = Number(query.get('after') ?? 0);
        const limit = Number(query.get('limit') ?? 100);
        const events = logs.filter((event) => event.seq > after).slice(0, Math.min(limit, 3)); // small pages
        return json(res, 200, { events, nextSeq: events.at(-1)?.seq ?? after });
      }
      default:
        return fail(res, new LambdaError('UnknownOperationException', 404, `No operation matches ${route}`));
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    functions,
    requests,
    logs,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
