"""Asynchronous invocation through boto3, run by test/e2e/boto3.test.ts.

InvocationType="Event" gives 202 with the request id; put/get_function_event_invoke_config with a
Lambda destination; the on-success record reaches the destination (read from its log lines
through Hearth's signed log endpoint); out-of-range settings are 400 ValidationException.
Same environment and output conventions as boto3_lifecycle.py (whose helpers it uses).
"""
import io
import json
import os
import time
import urllib.request
import uuid
import zipfile

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest

from boto3_lifecycle import ROLE, check, expect_client_error, lambda_client, step

WORKER = "def handler(event, context):\n    return {'seen': event['n']}\n"
RECORDER = "import json\n\ndef handler(event, context):\n    print('RECORD ' + json.dumps(event), flush=True)\n"


def zip_of(text):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("app.py", text)
    return buffer.getvalue()


def log_lines(name):
    """The function's log lines, from GET /hearth/2026-11-01/functions/NAME/logs signed with SigV4."""
    url = "%s/hearth/2026-11-01/functions/%s/logs" % (os.environ["HEARTH_TEST_ENDPOINT"], name)
    request = AWSRequest(method="GET", url=url)
    credentials = botocore.session.get_session().get_credentials()
    SigV4Auth(credentials, "lambda", os.environ["AWS_REGION"]).add_auth(request)
    with urllib.request.urlopen(urllib.request.Request(url, headers=dict(request.headers))) as response:
        return [event["message"] for event in json.load(response)["events"]]


def main():
    client = lambda_client()
    worker = "boto3-async-" + uuid.uuid4().hex[:8]
    recorder = "boto3-rec-" + uuid.uuid4().hex[:8]
    for name, code in ((worker, WORKER), (recorder, RECORDER)):
        client.create_function(
            FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler", Code={"ZipFile": zip_of(code)}
        )
        client.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    recorder_arn = client.get_function(FunctionName=recorder)["Configuration"]["FunctionArn"]

    put = client.put_function_event_invoke_config(
        FunctionName=worker, MaximumRetryAttempts=1, DestinationConfig={"OnSuccess": {"Destination": recorder_arn}}
    )
    check(put["FunctionArn"].endswith(":function:%s:$LATEST" % worker), "FunctionArn %s" % put["FunctionArn"])
    check(put["MaximumRetryAttempts"] == 1, "MaximumRetryAttempts")
    check(hasattr(put["LastModified"], "year"), "LastModified parses as a timestamp: %r" % put["LastModified"])
    got = client.get_function_event_invoke_config(FunctionName=worker)
    check(got["DestinationConfig"]["OnSuccess"]["Destination"] == recorder_arn, "destination kept")
    step("put_function_event_invoke_config, get_function_event_invoke_config")

    expect_client_error(
        lambda: client.put_function_event_invoke_config(FunctionName=worker, MaximumEventAgeInSeconds=21601),
        "ValidationException",
        400,
    )
    expect_client_error(
        lambda: client.update_function_event_invoke_config(
            FunctionName=worker, DestinationConfig={"OnFailure": {"Destination": "arn:aws:sns:us-east-1:000000000000:t"}}
        ),
        "InvalidParameterValueException",
        400,
    )
    step("out-of-range age and an SNS destination are refused")

    answer = client.invoke(FunctionName=worker, InvocationType="Event", Payload=json.dumps({"n": 42}))
    check(answer["StatusCode"] == 202, "Event gives 202, got %s" % answer["StatusCode"])
    check(answer["Payload"].read() == b"", "a 202 has an empty body")
    request_id = answer["ResponseMetadata"]["RequestId"]
    check(len(request_id) == 36, "request id %r" % request_id)
    step("invoke InvocationType=Event: 202")

    deadline = time.time() + 60
    record = None
    while record is None and time.time() < deadline:
        for line in log_lines(recorder):
            if "RECORD " in line and request_id in line:
                record = json.loads(line.split("RECORD ", 1)[1])
        if record is None:
            time.sleep(0.1)
    check(record is not None, "the on-success record reached the destination")
    check(record["requestContext"]["requestId"] == request_id, "same request id")
    check(record["requestContext"]["condition"] == "Success", "condition Success")
    check(record["requestPayload"] == {"n": 42}, "requestPayload")
    check(record["responsePayload"] == {"seen": 42}, "responsePayload %r" % record.get("responsePayload"))
    step("the on-success record carries the request, the response and the 202's request id")

    client.delete_function_event_invoke_config(FunctionName=worker)
    for name in (worker, recorder):
        client.delete_function(FunctionName=name)
    print("boto3 async passed", flush=True)


if __name__ == "__main__":
    main()
