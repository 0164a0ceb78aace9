"""The Lambda Runtime API 2018-06-01 as the function's process calls it (AWS docs, "Using the Lambda
runtime API for custom runtimes"): a long-polled GET /next, then POST /response or /error."""

import json
import socket

API_PREFIX = "/2018-06-01/runtime"
ERROR_TYPE_HEADER = "Lambda-Runtime-Function-Error-Type"


class RuntimeApiClient:
    """HTTP/1.1 over one keep-alive socket. Not http.client: importing it (email parser, ssl) costs
    ~20 ms of every cold start, and the Runtime API needs only this much of HTTP."""

    def __init__(self, host_port, socket_path=None):
        # socket_path: the platform's unix socket for the same API, preferred when present.
        self._socket_path = socket_path
        host, _, port = host_port.rpartition(":")
        self._host = host.strip("[]") or host_port
        self._port = int(port) if host else 80
        self._socket = None
        self._buffer = b""

    def _connect(self):
        if self._socket_path:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.connect(self._socket_path)
            return connection
        connection = socket.create_connection((self._host, self._port))
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection

    def next(self):
        status, headers, body = self._request("GET", API_PREFIX + "/invocation/next", None, {})
        if status != 200:
            raise ConnectionError("GET /next answered %d: %r" % (status, body[:200]))
        return headers, body

    def post_response(self, request_id, body):
        self._request("POST", API_PREFIX + "/invocation/" + request_id + "/response", body, {})

    def post_error(self, request_id, error):
        self._post_error(API_PREFIX + "/invocation/" + request_id + "/error", error)

    def post_init_error(self, error):
        self._post_error(API_PREFIX + "/init/error", error)

    def _post_error(self, path, error):
        body = json.dumps(error).encode("utf-8")
        self._request("POST", path, body, {ERROR_TYPE_HEADER: error["errorType"]})

    def _request(self, method, path, body, headers):
        head = "%s %s HTTP/1.1\r\nHost: %s:%d\r\n" % (method, path, self._host, self._port)
        for name, value in headers.items():
            head += "%s: %s\r\n" % (name, value.replace("\r", " ").replace("\n", " "))
        if body is not None:
            head += "Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
        data = (head + "\r\n").encode("latin-1", "replace") + (body or b"")
        for attempt in (1, 2):
            reused = self._socket is not None
            if not reused:
                self._socket = self._connect()
                self._buffer = b""
            self._answered = False
            try:
                self._socket.sendall(data)
                status, response_headers, response_body = self._read_response()
            except OSError:
                self._socket.close()
                self._socket = None
                # A reused connection that died before answering was closed by the server while idle.
                if reused and not self._answered and attempt == 1:
                    continue
                raise
            if response_headers.get("connection", "").lower() == "close":
                self._socket.close()
                self._socket = None
            return status, _Headers(response_headers), response_body

    def _receive(self):
        chunk = self._socket.recv(65536)
        if not chunk:
            raise ConnectionError("Runtime API connection closed")
        self._answered = True
        self._buffer += chunk

    def _read_until(self, marker, start=0):
        while True:
            index = self._buffer.find(marker, start)
            if index != -1:
                return index
            self._receive()

    def _read_exactly(self, length):
        while len(self._buffer) < length:
            self._receive()
        data, self._buffer = self._buffer[:length], self._buffer[length:]
        return data

    def _read_response(self):
        end = self._read_until(b"\r\n\r\n")
        lines = self._buffer[:end].decode("latin-1").split("\r\n")
        self._buffer = self._buffer[end + 4 :]
        status = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            parts = []
            while True:
                line_end = self._read_until(b"\r\n")
                size = int(self._buffer[:line_end].split(b";")[0], 16)
                self._buffer = self._buffer[line_end + 2 :]
                if size == 0:
                    # The last chunk: optional trailer lines, then an empty line.
                    while len(self._buffer) < 2:
                        self._receive()
                    end = 2 if self._buffer.startswith(b"\r\n") else self._read_until(b"\r\n\r\n") + 4
                    self._buffer = self._buffer[end:]
                    return status, headers, b"".join(parts)
                parts.append(self._read_exactly(size))
                self._read_exactly(2)
        return status, headers, self._read_exactly(int(headers.get("content-length") or 0))


class _Headers(dict):
    """Response headers, looked up without regard to case."""

    def get(self, name, default=None):
        return dict.get(self, name.lower(), default)
