"""A function's life through boto3, run by test/e2e/boto3.test.ts against a Hearth server.

Reads HEARTH_TEST_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_REGION; prints one
line per step and exits non-zero on the first failed check. The endpoint is passed explicitly:
boto3 releases before 1.28.57 ignore AWS_ENDPOINT_URL.
"""
import base64
import io
import json
import os
import re
import sys
import uuid
import zipfile

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ROLE = "arn:aws:iam::000000000000:role/hearth-e2e"
HANDLER = """
count = 0

def handler(event, context):
    global count
    count += 1
    print("boto3 probe says hello")
    return {"event": event, "count": count, "functionName": context.function_name}
"""


def step(text):
    print("ok - " + text, flush=True)


def check(condition, text):
    if not condition:
        print("not ok - " + text, flush=True)
        sys.exit(1)


def build_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", HANDLER)
    return buffer.getvalue()


def expect_client_error(call, code, status):
    try:
        call()
    except ClientError as error:
        got = error.response["Error"]["Code"]
        got_status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        check(got == code, "error code %s, expected %s (%s)" % (got, code, error))
        check(got_status == status, "status %s, expected %s" % (got_status, status))
        return error
    check(False, "expected %s, but the call succeeded" % code)


def lambda_client():
    """A Lambda client for the server under test; one attempt, so a retried 5xx cannot hide a failure."""
    return boto3.client(
        "lambda",
        endpoint_url=os.environ["HEARTH_TEST_ENDPOINT"],
        region_name=os.environ["AWS_REGION"],
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


def main():
    client = lambda_client()
    name = "boto3-" + uuid.uuid4().hex[:8]

    created = client.create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler",
        Code={"ZipFile": build_zip()}, Timeout=5,
    )
    check(created["FunctionName"] == name, "create_function returns the name")
    check(created["ResponseMetadata"]["HTTPStatusCode"] == 201, "create_function answers 201")
    step("create_function")

    client.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    state = client.get_function_configuration(FunctionName=name)["State"]
    check(state == "Active", "state is Active, got %s" % state)
    step("waiter function_active_v2")

    response = client.invoke(
        FunctionName=name, InvocationType="RequestResponse", LogType="Tail",
        Payload=json.dumps({"from": "boto3"}).encode(),
    )
    check(response["StatusCode"] == 200, "invoke answers 200")
    check("FunctionError" not in response, "no function error")
    body = json.loads(response["Payload"].read())
    check(body == {"event": {"from": "boto3"}, "count": 1, "functionName": name}, "payload round trip: %r" % body)
    logs = base64.b64decode(response["LogResult"]).decode()
    starts = re.findall(r"^START RequestId: (\S+)", logs, re.M)
    check(len(starts) == 1, "one START line in the tail: %r" % logs)
    check("REPORT RequestId: " + starts[0] in logs, "REPORT line for the same request in the tail")
    check("boto3 probe says hello" in logs, "the handler's print in the tail")
    step("invoke RequestResponse with LogType Tail")

    warm = json.loads(client.invoke(FunctionName=name, Payload=b"{}")["Payload"].read())
    check(warm["count"] == 2, "warm sandbox reused, count %r" % warm.get("count"))
    step("warm invoke")

    error = expect_client_error(lambda: client.invoke(FunctionName="no-such-fn-" + name), "ResourceNotFoundException", 404)
    check("Function not found" in str(error), "not-found message")
    step("ClientError ResourceNotFoundException")

    expect_client_error(
        lambda: client.update_function_configuration(FunctionName=name, MemorySize=10241),
        "ValidationException", 400,
    )
    step("ClientError ValidationException for MemorySize 10241")

    client.delete_function(FunctionName=name)
    expect_client_error(lambda: client.get_function(FunctionName=name), "ResourceNotFoundException", 404)
    step("delete_function")
    print("boto3 lifecycle passed", flush=True)


if __name__ == "__main__":
    main()
