"""A pre-started Python runtime (docs/isolation.md, "Pre-started pool") starts before Hearth knows
which function it will run. Before it imports anything of a function, it asks Hearth, on its own
Runtime API socket, for the function it now serves; Hearth answers once, with the function's
complete environment (Connection: close), and only then does this runtime go on as on a cold start."""

import importlib
import json
import os
import socket
import sys

PRESTARTED_VARIABLE = "_HEARTH_PRESTARTED"
SPECIALISATION_PATH = "/2018-06-01/hearth/specialisation"


def is_prestarted():
    return os.environ.get(PRESTARTED_VARIABLE) == "1"


def specialise_if_prestarted():
    if not is_prestarted():
        return
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(os.environ["_HEARTH_RUNTIME_API_SOCKET"])
    connection.sendall(("GET %s HTTP/1.1\r\nHost: localhost\r\n\r\n" % SPECIALISATION_PATH).encode("latin-1"))
    chunks = []
    while True:
        chunk = connection.recv(65536)
        if not chunk:
            break
        chunks.append(chunk)
    connection.close()
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status = head.split(b" ", 2)[1] if head else b""
    if status != b"200":
        raise ConnectionError("specialisation answered %r" % head[:200])
    env = json.loads(body.decode("utf-8"))["env"]
    started_with = os.environ.get("PYTHONPATH")
    os.environ.clear()
    os.environ.update(env)
    # PYTHONPATH is not part of the pool's kind (pool-key.ts): the function's replaces the pre-start's.
    if env.get("PYTHONPATH") != started_with:
        replace_pythonpath(started_with, env.get("PYTHONPATH"))
    # The working directory is the empty slot under the function's code, mounted since.
    os.chdir(env.get("LAMBDA_TASK_ROOT") or "/var/task")
    # /opt and /var/task were empty when Python started: forget what its importers saw there.
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()


def replace_pythonpath(old, new, path=None):
    """Python put PYTHONPATH's folders on sys.path once, at start-up, after the script's folder:
    the pre-start's folders give way to the function's, in the same place."""
    path = sys.path if path is None else path
    at = None
    for folder in [entry for entry in (old or "").split(os.pathsep) if entry]:
        if folder in path:
            index = path.index(folder)
            at = index if at is None else min(at, index)
            path.remove(folder)
    if at is None:
        at = min(1, len(path))
    path[at:at] = [entry for entry in (new or "").split(os.pathsep) if entry]
