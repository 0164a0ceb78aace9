"""Hearth's Python runtime client: the process that runs inside a sandbox for the python3.x runtimes.

It imports the handler (init), then loops GET /next -> handler -> POST /response or /error against the
Lambda Runtime API 2018-06-01 at AWS_LAMBDA_RUNTIME_API, over one persistent HTTP connection. Standard
library only. Error names, messages and log formats follow AWS's Python runtime (awslambdaric) and the
AWS docs "Define Lambda function handler in Python" and "Log and monitor Python Lambda functions".
"""

import importlib
import json
import os
import sys

from hearth_runtime.lambda_context import LambdaContext
from hearth_runtime.lambda_logging import CurrentRequest, log_error, setup_logging
from hearth_runtime.runtime_api_client import RuntimeApiClient
from hearth_runtime.specialise import is_prestarted, specialise_if_prestarted
from hearth_runtime.trace_id_env import TraceIdEnvironment


class Fault(Exception):
    """An init or invoke failure with a Lambda runtime errorType (Runtime.*)."""

    def __init__(self, error_type, message, trace=None):
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.trace = trace


def make_error(message, error_type, stack_trace, request_id=None):
    return {
        "errorMessage": message or "",
        "errorType": error_type or "",
        "requestId": request_id if request_id is not None else "",
        "stackTrace": stack_trace or [],
    }


def error_from_exception(exc_info, request_id=None):
    """The payload for an exception the user's code raised: frames of this file are left out."""
    import traceback

    error_type, value, tb = exc_info
    frames = traceback.extract_tb(tb)
    while frames and frames[0].filename == __file__:
        frames = frames[1:]
    return make_error(str(value), error_type.__name__, traceback.format_list(frames), request_id)


def setup_sys_path(task_root):
    """The task root first, then the layer folders, as on Lambda; PYTHONPATH entries stay where Python put them."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    version = "python%d.%d" % sys.version_info[:2]
    for index, entry in enumerate([task_root, "/opt/python/lib/%s/site-packages" % version, "/opt/python"]):
        sys.path.insert(index, entry)


def load_handler(handler):
    try:
        module_name, function_name = handler.rsplit(".", 1)
    except ValueError as e:
        raise Fault("Runtime.MalformedHandlerName", "Bad handler '{}': {}".format(handler, e))
    if module_name.split(".")[0] in sys.builtin_module_names:
        raise Fault(
            "Runtime.BuiltInModuleConflict", "Cannot use built-in module {} as a handler module".format(module_name)
        )
    try:
        module = importlib.import_module(module_name.replace("/", "."))
    except ImportError as e:
        raise Fault("Runtime.ImportModuleError", "Unable to import module '{}': {}".format(module_name, e))
    except SyntaxError as e:
        trace = ['  File "%s" Line %s\n    %s' % (e.filename, e.lineno, e.text)]
        raise Fault("Runtime.UserCodeSyntaxError", "Syntax error in module '{}': {}".format(module_name, e), trace)
    try:
        return getattr(module, function_name)
    except AttributeError:
        raise Fault("Runtime.HandlerNotFound", "Handler '{}' missing on module '{}'".format(function_name, module_name))


def _json_default(value):
    if type(value).__name__ == "Decimal":
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError("Object of type %s is not JSON serializable" % type(value).__name__)


def to_json(result):
    try:
        return json.dumps(result, default=_json_default, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, OverflowError) as e:
        raise Fault("Runtime.MarshalError", "Unable to marshal response: {}".format(e))


def parse_json_header(value, name):
    if not value:
        return None
    try:
        return json.loads(value)
    except Exception as e:
        raise Fault("Runtime.LambdaContextUnmarshalError", "Unable to parse {} JSON: {}".format(name, e))


def handle_invocation(client, handler, headers, body, trace_ids):
    request_id = headers.get("Lambda-Runtime-Aws-Request-Id", "")
    CurrentRequest.request_id = request_id
    trace_ids.set(headers.get("Lambda-Runtime-Trace-Id"))
    error = None
    try:
        context = LambdaContext(
            request_id,
            int(headers.get("Lambda-Runtime-Deadline-Ms") or 0),
            headers.get("Lambda-Runtime-Invoked-Function-Arn"),
            parse_json_header(headers.get("Lambda-Runtime-Client-Context"), "Client Context"),
            parse_json_header(headers.get("Lambda-Runtime-Cognito-Identity"), "Cognito Identity"),
            headers.get("Lambda-Runtime-Aws-Tenant-Id"),
        )
        event = json.loads(body) if body else None
        result = to_json(handler(event, context))
    except Fault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace, request_id)
    except Exception:
        error = error_from_exception(sys.exc_info(), request_id)
    # print() output must reach the platform before the invocation's end.
    sys.stdout.flush()
    sys.stderr.flush()
    if error is None:
        client.post_response(request_id, result)
    else:
        log_error(error)
        client.post_error(request_id, error)


def main():
    trace_ids = TraceIdEnvironment(os.environ)
    if is_prestarted():
        # It waits anyway: the trace id's leak-free path costs nothing here.
        trace_ids.prepare()
    # A pre-started runtime waits here for the function it will serve (hearth_runtime/specialise.py).
    specialise_if_prestarted()
    runtime_api = os.environ.get("AWS_LAMBDA_RUNTIME_API")
    if not runtime_api:
        sys.stderr.write("AWS_LAMBDA_RUNTIME_API is not set: this program runs inside a Lambda sandbox.\n")
        sys.exit(1)
    sys.stdout.reconfigure(line_buffering=True)
    sys.stderr.reconfigure(line_buffering=True)
    # Hearth's drivers also serve the Runtime API on a unix socket (cheaper than loopback TCP);
    # it is the platform's business, so it leaves the handler's environment.
    socket_path = os.environ.pop("_HEARTH_RUNTIME_API_SOCKET", None) or None
    client = RuntimeApiClient(runtime_api, socket_path)
    task_root = os.environ.get("LAMBDA_TASK_ROOT") or os.getcwd()
    setup_sys_path(task_root)
    setup_logging()
    try:
        handler = load_handler(os.environ.get("_HANDLER", ""))
    except Fault as fault:
        error = make_error(fault.message, fault.error_type, fault.trace)
    except Exception:
        error = error_from_exception(sys.exc_info())
    else:
        error = None
    if error is not None:
        log_error(error)
        client.post_init_error(error)
        sys.exit(1)
    while True:
        headers, body = client.next()
        handle_invocation(client, handler, headers, body, trace_ids)
        # Once the first response is out, so its ~4 ms stay off the cold start (hearth_runtime/trace_id_env.py).
        trace_ids.prepare()


if __name__ == "__main__":
    main()
