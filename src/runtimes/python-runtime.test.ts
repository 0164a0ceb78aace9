// End-to-end tests of the Python runtime client: a real python3 process per test, talking to
// TestRuntimeApi exactly as it would talk to the platform's Runtime API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJson as json, withSandbox, type SandboxOptions, type TestSandbox } from './test-sandbox.js';

function withPython(
  files: SandboxOptions['files'],
  handler: string,
  body: (sandbox: TestSandbox) => Promise<void>,
  env: SandboxOptions['env'] = {},
): Promise<void> {
  return withSandbox({ runtime: 'python3.12', handler, files, env }, body);
}

describe('python runtime: handlers', () => {
  it('runs a handler in a package and keeps module state between warm invocations', async () => {
    const files = {
      'pkg/__init__.py': '',
      'pkg/sub/__init__.py': '',
      'pkg/sub/app.py':
        'count = 0\ndef handler(event, context):\n    global count\n    count += 1\n    return {"count": count, "got": event["n"]}\n',
    };
    await withPython(files, 'pkg.sub.app.handler', async ({ api }) => {
      assert.deepEqual(json((await api.invoke({ n: 1 })).body), { count: 1, got: 1 });
      assert.deepEqual(json((await api.invoke({ n: 2 })).body), { count: 2, got: 2 });
    });
  });

  it('keeps working when the Runtime API closes the connection after every answer or sends chunked events', async () => {
    const files = { 'app.py': 'def handler(event, context):\n    return event\n' };
    await withPython(files, 'app.handler', async ({ api }) => {
      api.closeConnections = true;
      assert.deepEqual(json((await api.invoke({ a: 1 })).body), { a: 1 });
      assert.deepEqual(json((await api.invoke({ a: 2 })).body), { a: 2 });
      api.closeConnections = false;
      api.chunkedEvents = true;
      assert.deepEqual(json((await api.invoke({ a: 'é'.repeat(5000) })).body), { a: 'é'.repeat(5000) });
    });
  });

  it('honours a PYTHONPATH from the function environment, with the task root first', async () => {
    const files = {
      'lib/helper.py': 'def shout(s):\n    return s.upper()\n',
      'app.py':
        'import sys, helper\ndef handler(event, context):\n    return {"v": helper.shout(event["s"]), "first": sys.path[0]}\n',
    };
    await withPython(
      files,
      'app.handler',
      async (sandbox) => {
        const result = json((await sandbox.api.invoke({ s: 'hi' })).body);
        assert.equal(result['v'], 'HI');
        assert.equal(result['first'], sandbox.codeDir);
      },
      (codeDir) => ({ PYTHONPATH: `${codeDir}/lib` }),
    );
  });

  it('fills the context from the environment and the invocation headers', async () => {
    const files = {
      'app.py':
        'def handler(event, context):\n' +
        '    return {"name": context.function_name, "version": context.function_version,\n' +
        '            "mem": context.memory_limit_in_mb, "arn": context.invoked_function_arn,\n' +
        '            "id": context.aws_request_id, "group": context.log_group_name, "stream": context.log_stream_name,\n' +
        '            "remaining": context.get_remaining_time_in_millis(),\n' +
        '            "custom": context.client_context.custom, "identity": context.identity.cognito_identity_id}\n',
    };
    await withPython(files, 'app.handler', async ({ api }) => {
      const result = await api.invoke(
        {},
        {
          requestId: 'py-req',
          deadlineMs: Date.now() + 5_000,
          clientContext: '{"custom":{"k":"v"}}',
          cognitoIdentity: '{"cognitoIdentityId":"id-1","cognitoIdentityPoolId":"pool-1"}',
        },
      );
      const c = json(result.body);
      assert.equal(c['name'], 'test-fn');
      assert.equal(c['version'], '$LATEST');
      assert.equal(c['mem'], '256'); // a string, as in AWS's Python runtime (awslambdaric lambda_context.py)
      assert.equal(c['arn'], 'arn:aws:lambda:us-east-1:000000000000:function:test-fn');
      assert.equal(c['id'], 'py-req');
      assert.equal(c['group'], '/aws/lambda/test-fn');
      assert.equal(c['stream'], '2026/01/01/[$LATEST]0123456789abcdef');
      assert.ok(Number(c['remaining']) > 4_000 && Number(c['remaining']) <= 5_000, String(c['remaining']));
      assert.deepEqual(c['custom'], { k: 'v' });
      assert.equal(c['identity'], 'id-1');
    });
  });

  it('answers null when the handler returns None', async () => {
    await withPython({ 'app.py': 'def handler(event, context):\n    pass\n' }, 'app.handler', async ({ api }) => {
      assert.equal((await api.invoke({})).body, 'null');
    });
  });
});

describe('python runtime: errors', () => {
  it('reports a handler exception with the AWS payload shape and keeps the environment', async () => {
    const files = { 'app.py': 'def handler(event, context):\n    raise ValueError("bad input")\n' };
    await withPython(files, 'app.handler', async (sandbox) => {
      const result = await sandbox.api.invoke({}, { requestId: 'err-req' });
      assert.equal(result.kind, 'error');
      assert.equal(result.errorType, 'ValueError');
      assert.deepEqual(json(result.body), {
        errorMessage: 'bad input',
        errorType: 'ValueError',
        requestId: 'err-req',
        stackTrace: [`  File "${sandbox.codeDir}/app.py", line 2, in handler\n    raise ValueError("bad input")\n`],
      });
      assert.ok(
        sandbox
          .stdout()
          .includes(
            `[ERROR] ValueError: bad input\rTraceback (most recent call last):\r\u00a0\u00a0File "${sandbox.codeDir}/app.py", line 2, in handler\r`,
          ),
        sandbox.stdout(),
      );
      assert.equal((await sandbox.api.invoke({})).errorType, 'ValueError');
    });
  });

  it('reports a result json cannot encode as Runtime.MarshalError', async () => {
    await withPython(
      { 'app.py': 'def handler(event, context):\n    return {1, 2}\n' },
      'app.handler',
      async ({ api }) => {
        const result = await api.invoke({});
        assert.equal(result.errorType, 'Runtime.MarshalError');
        assert.equal(
          json(result.body)['errorMessage'],
          'Unable to marshal response: Object of type set is not JSON serializable',
        );
      },
    );
  });

  const initCases: Array<[string, SandboxOptions['files'], string, string, string]> = [
    [
      'a missing module',
      { 'other.py': '' },
      'app.handler',
      'Runtime.ImportModuleError',
      "Unable to import module 'app': No module named 'app'",
    ],
    [
      'a missing function',
      { 'app.py': 'x = 1\n' },
      'app.handler',
      'Runtime.HandlerNotFound',
      "Handler 'handler' missing on module 'app'",
    ],
    [
      'a syntax error',
      { 'app.py': 'def handler(event, context)\n    return 1\n' },
      'app.handler',
      'Runtime.UserCodeSyntaxError',
      "Syntax error in module 'app': ",
    ],
    [
      'a handler string without a dot',
      { 'app.py': '' },
      'app',
      'Runtime.MalformedHandlerName',
      "Bad handler 'app': not enough values to unpack",
    ],
    [
      'a module that raises while importing',
      { 'app.py': 'raise KeyError("TABLE_NAME")\n' },
      'app.handler',
      'KeyError',
      "'TABLE_NAME'",
    ],
  ];
  for (const [name, files, handler, errorType, message] of initCases) {
    it(`posts ${errorType} to /init/error for ${name}, then exits`, async () => {
      await withPython(files, handler, async (sandbox) => {
        const initError = await sandbox.api.initError();
        assert.equal(initError.errorType, errorType);
        assert.equal(initError.body['errorType'], errorType);
        assert.ok(String(initError.body['errorMessage']).startsWith(message), String(initError.body['errorMessage']));
        assert.equal(initError.body['requestId'], '');
        assert.ok(Array.isArray(initError.body['stackTrace']));
        assert.notEqual((await sandbox.exited).code, 0);
        assert.equal(sandbox.api.nextCalls.length, 0);
        assert.ok(sandbox.stdout().startsWith(`[ERROR] ${errorType}: ${message}`), sandbox.stdout());
      });
    });
  }
});

describe('python runtime: output', () => {
  it('has print output on stdout before the response is posted, and logs in Lambda format', async () => {
    const files = {
      'app.py':
        'import logging\nlogger = logging.getLogger()\nlogger.setLevel(logging.INFO)\n' +
        'def handler(event, context):\n    print("printed", end="")\n    print(" line")\n    logger.info("info %s", 1)\n    logger.debug("hidden")\n    return "ok"\n',
    };
    await withPython(files, 'app.handler', async (sandbox) => {
      const result = await sandbox.api.invoke({}, { requestId: 'out-req' });
      assert.equal(result.body, '"ok"');
      const lines = sandbox.stdout().split('\n');
      assert.equal(lines[0], 'printed line');
      assert.match(lines[1]!, /^\[INFO\]\t\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\tout-req\tinfo 1$/);
      assert.ok(!sandbox.stdout().includes('hidden'));
    });
  });

  it('sets the root logger level from AWS_LAMBDA_LOG_LEVEL', async () => {
    const files = {
      'app.py': 'import logging\ndef handler(event, context):\n    logging.debug("dbg")\n    return 1\n',
    };
    await withPython(
      files,
      'app.handler',
      async (sandbox) => {
        await sandbox.api.invoke({}, { requestId: 'lvl-req' });
        assert.match(sandbox.stdout(), /^\[DEBUG\]\t\S+\tlvl-req\tdbg\n/);
      },
      { AWS_LAMBDA_LOG_LEVEL: 'DEBUG' },
    );
  });
});
