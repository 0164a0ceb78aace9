"""Versions, aliases, concurrency and layers through boto3, run by test/e2e/boto3.test.ts.

Same environment and output conventions as boto3_lifecycle.py (whose helpers it uses).
"""
import io
import json
import uuid
import zipfile

from boto3_lifecycle import ROLE, check, expect_client_error, lambda_client, step

HANDLER = """
import greeting

def handler(event, context):
    return {"version": context.function_version, "marker": "%s", "greeting": greeting.hello()}
"""


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


def main():
    client = lambda_client()
    name = "boto3-v-" + uuid.uuid4().hex[:8]
    layer_name = "boto3-layer-" + uuid.uuid4().hex[:8]

    layer = client.publish_layer_version(
        LayerName=layer_name, Content={"ZipFile": zip_of({"python/greeting.py": "def hello():\n    return 'from a layer'\n"})},
        CompatibleRuntimes=["python3.12"],
    )
    check(layer["Version"] == 1, "first layer version is 1")
    check(layer["LayerVersionArn"].endswith(":layer:%s:1" % layer_name), "layer version ARN")
    step("publish_layer_version")

    client.create_function(
        FunctionName=name, Runtime="python3.12", Role=ROLE, Handler="app.handler", Timeout=5,
        Code={"ZipFile": zip_of({"app.py": HANDLER % "one"})}, Layers=[layer["LayerVersionArn"]], Publish=True,
    )
    client.get_waiter("function_active_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    client.update_function_code(FunctionName=name, ZipFile=zip_of({"app.py": HANDLER % "two"}))
    client.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    two = client.publish_version(FunctionName=name, Description="second")
    check(two["Version"] == "2", "publish_version gives version 2, got %s" % two["Version"])
    versions = [v["Version"] for v in client.list_versions_by_function(FunctionName=name)["Versions"]]
    check(versions == ["$LATEST", "1", "2"], "list_versions_by_function: %r" % versions)
    step("create_function Publish=True, publish_version, list_versions_by_function")

    alias = client.create_alias(
        FunctionName=name, Name="live", FunctionVersion="1",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.5}},
    )
    check(alias["AliasArn"].endswith(":function:%s:live" % name), "alias ARN")
    seen = set()
    for _ in range(40):
        response = client.invoke(FunctionName=name, Qualifier="live", Payload=b"{}")
        body = json.loads(response["Payload"].read())
        check(body["version"] == response["ExecutedVersion"], "ExecutedVersion names the version that ran")
        check(body["marker"] == {"1": "one", "2": "two"}[body["version"]], "each version runs its own code")
        check(body["greeting"] == "from a layer", "the layer is importable from /opt/python")
        seen.add(body["version"])
    check(seen == {"1", "2"}, "a 50/50 alias ran both versions in 40 invokes: %r" % seen)
    step("create_alias with weighted routing; invoke the alias")

    client.update_alias(FunctionName=name, Name="live", FunctionVersion="2", RoutingConfig={"AdditionalVersionWeights": {}})
    response = client.invoke(FunctionName=name + ":live", Payload=b"{}")
    check(response["ExecutedVersion"] == "2", "the moved alias runs version 2")
    aliases = [a["Name"] for a in client.list_aliases(FunctionName=name)["Aliases"]]
    check(aliases == ["live"], "list_aliases: %r" % aliases)
    step("update_alias, list_aliases")

    client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=5)
    check(client.get_function_concurrency(FunctionName=name)["ReservedConcurrentExecutions"] == 5, "reserved 5")
    settings = client.get_account_settings()
    check(settings["AccountLimit"]["UnreservedConcurrentExecutions"] == settings["AccountLimit"]["ConcurrentExecutions"] - 5,
          "account settings count the reservation")
    expect_client_error(
        lambda: client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=100000),
        "InvalidParameterValueException", 400,
    )
    client.delete_function_concurrency(FunctionName=name)
    check("ReservedConcurrentExecutions" not in client.get_function_concurrency(FunctionName=name), "reservation removed")
    step("put/get/delete_function_concurrency, get_account_settings")

    expect_client_error(lambda: client.invoke(FunctionName=name, Qualifier="9", Payload=b"{}"), "ResourceNotFoundException", 404)
    client.delete_alias(FunctionName=name, Name="live")
    client.delete_function(FunctionName=name, Qualifier="1")
    versions = [v["Version"] for v in client.list_versions_by_function(FunctionName=name)["Versions"]]
    check(versions == ["$LATEST", "2"], "version 1 deleted: %r" % versions)
    client.delete_function(FunctionName=name)
    client.delete_layer_version(LayerName=layer_name, VersionNumber=1)
    step("delete_alias, delete a version, delete_function, delete_layer_version")
    print("boto3 versions passed", flush=True)


if __name__ == "__main__":
    main()
