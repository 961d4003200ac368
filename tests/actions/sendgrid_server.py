"""A local stand-in for SendGrid's v3 ``POST /v3/mail/send`` on 127.0.0.1, in a thread:
answers 202 Accepted with an ``X-Message-Id`` unless told to answer something else, and
records every request, so delivery tests use the real ``sendgrid`` client end to end.

``after_accept`` plays the bad luck that sends a mail twice: the request is read and counted
as accepted, and then the connection is reset (``"reset"``) or no answer comes until the
client gives up (``"hang"``)."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class SendGridStub:
    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[int] = []  # statuses to answer next, then 202 for ever
        self.always: int | None = None  # answer this status to every request
        self.after_accept: str | None = None  # "reset" | "hang": accept, then no answer
        self.hang_seconds = 2.0
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with stub._lock:
                    stub.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    status = stub.always or (stub.script.pop(0) if stub.script else 202)
                    number = len(stub.requests)
                if stub.after_accept == "reset":
                    # RST instead of FIN: the client sees "connection reset by peer"
                    self.connection.setsockopt(
                        socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                    )
                    self.close_connection = True
                    return
                if stub.after_accept == "hang":
                    time.sleep(stub.hang_seconds)
                    self.close_connection = True
                    return
                if self.path != "/v3/mail/send":
                    status = 404
                if self.headers.get("Authorization") != "Bearer SG.test-key":
                    status = 401
                self.send_response(status)
                if status == 202:
                    self.send_header("X-Message-Id", f"msg-{number}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                payload = json.dumps({"errors": [{"message": f"stub answered {status}"}]}).encode()
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> SendGridStub:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
