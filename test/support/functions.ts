// The function code the e2e tests deploy, as zips. Each probe reports what a user would look
// at: the event, a module-level counter (warm reuse), its context and environment.
import { buildZip } from './zip.js';

/** ESM probe: `index.handler`. `marker` tells code versions apart. */
export function nodeEsmProbe(marker = 'v1'): Promise<Buffer> {
  return buildZip({
    'index.mjs': `
let count = 0;
export const handler = async (event, context) => {
  count += 1;
  console.log('probe says hello');
  if (event.action === 'throw') throw new TypeError('boom from the handler');
  if (event.action === 'sleep') await new Promise((resolve) => setTimeout(resolve, event.ms));
  if (event.action === 'exit') process.exit(event.code);
  if (event.action === 'big') return 'x'.repeat(event.bytes);
  return {
    marker: ${JSON.stringify(marker)},
    event,
    count,
    functionName: context.functionName,
    functionVersion: context.functionVersion,
    invokedFunctionArn: context.invokedFunctionArn,
    memoryLimitInMB: String(context.memoryLimitInMB),
    remainingMs: context.getRemainingTimeInMillis(),
    requestId: context.awsRequestId,
    clientContext: context.clientContext ?? null,
    greeting: process.env.GREETING ?? null,
    region: process.env.AWS_REGION ?? null,
    lambdaFunctionName: process.env.AWS_LAMBDA_FUNCTION_NAME ?? null,
  };
};
`,
  });
}

/** CommonJS probe: `app.handler` in app.js, using the callback-free async style. */
export function nodeCjsProbe(): Promise<Buffer> {
  return buildZip({
    'app.js': `
let count = 0;
exports.handler = async (event, context) => {
  count += 1;
  console.log('cjs probe says hello');
  return { count, event, functionName: context.functionName, moduleType: typeof module };
};
`,
  });
}

/** The trivial echo handler (payload limits, benchmarks). */
export function nodeEcho(): Promise<Buffer> {
  return buildZip({ 'index.mjs': 'export const handler = async (event) => event;\n' });
}

export function nodeSource(files: Record<string, string>): Promise<Buffer> {
  return buildZip(files);
}

/** Python probe: `app.handler`. */
export function pythonProbe(): Promise<Buffer> {
  return buildZip({
    'app.py': `
import os

count = 0

class ProbeError(Exception):
    pass

def handler(event, context):
    global count
    count += 1
    print("python probe says hello", flush=True)
    if event.get("action") == "raise":
        raise ProbeError("bad thing happened")
    return {
        "event": event,
        "count": count,
        "functionName": context.function_name,
        "memoryLimitInMB": str(context.memory_limit_in_mb),
        "remainingMs": context.get_remaining_time_in_millis(),
        "requestId": context.aws_request_id,
        "greeting": os.environ.get("GREETING"),
    }
`,
  });
}

/**
 * A custom runtime (`provided.al2023`): a POSIX shell `bootstrap` that execs python3 on a small
 * Runtime API client shipped in the same archive. Speaks /next, /response, /error, /init/error.
 */
export function customRuntime(): Promise<Buffer> {
  return buildZip({
    bootstrap: {
      mode: 0o755,
      content: '#!/bin/sh\nset -e\nexec python3 -u "$(dirname "$0")/runtime.py"\n',
    },
    'runtime.py': `
import http.client, json, os, sys

HOST, PORT = os.environ["AWS_LAMBDA_RUNTIME_API"].rsplit(":", 1)
BASE = "/2018-06-01/runtime"

def call(method, path, body=None, headers=None):
    conn = http.client.HTTPConnection(HOST, int(PORT))
    conn.request(method, BASE + path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data

if os.environ.get("FAIL_INIT"):
    error = {"errorType": "Custom.InitFailed", "errorMessage": "init went wrong on purpose"}
    call("POST", "/init/error", json.dumps(error), {"Lambda-Runtime-Function-Error-Type": "Custom.InitFailed"})
    sys.exit(1)

count = 0
while True:
    response, data = call("GET", "/invocation/next")
    request_id = response.getheader("Lambda-Runtime-Aws-Request-Id")
    event = json.loads(data) if data else {}
    count += 1
    print("custom runtime handling " + request_id, flush=True)
    if event.get("fail"):
        error = {"errorType": "Custom.HandlerFailed", "errorMessage": "failed on request", "stackTrace": []}
        call("POST", "/invocation/" + request_id + "/error", json.dumps(error),
             {"Lambda-Runtime-Function-Error-Type": "Custom.HandlerFailed"})
        continue
    result = {
        "event": event,
        "count": count,
        "requestId": request_id,
        "deadlineMs": int(response.getheader("Lambda-Runtime-Deadline-Ms") or "0"),
        "invokedFunctionArn": response.getheader("Lambda-Runtime-Invoked-Function-Arn"),
        "handler": os.environ.get("_HANDLER"),
        "functionName": os.environ.get("AWS_LAMBDA_FUNCTION_NAME"),
        "memory": os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
        "greeting": os.environ.get("GREETING"),
    }
    call("POST", "/invocation/" + request_id + "/response", json.dumps(result))
`,
  });
}
