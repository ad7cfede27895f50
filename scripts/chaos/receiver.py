"""The department side of the chaos runs: a real HTTP server on 127.0.0.1 that records every
delivery and can be told to misbehave, one department at a time.

Used in-process by chaos.py (standard library only). Each POST to /<department> is answered
according to that department's mode and recorded (time, department, Idempotency-Key, the
record's id, the status answered) so the checks can count deliveries, duplicates and attempts:

    ok        200
    flap      503 (Retry-After: 1) for about half the requests, 200 for the rest
    hang      reads the request, then says nothing for `hang_seconds` (past the gateway's timeout)
    reject    400 (a permanent refusal: the gateway must dead-letter, not retry)

"Down" is not a mode: a department pointed at a port nobody listens on is refused at the TCP
level, which is what a department whose server is off looks like. `Listener` opens and closes
such a port on demand.
"""

import json
import random
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Deliveries:
    """Every request the receiver answered, in arrival order (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items = []

    def add(self, item):
        with self._lock:
            self._items.append(item)

    def snapshot(self):
        with self._lock:
            return list(self._items)


class QuietServer(ThreadingHTTPServer):
    """A killed gateway resets its connections: expected here, not worth a traceback."""

    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


class Receiver:
    def __init__(self, port=0, hang_seconds=5.0, seed=1):
        self.deliveries = Deliveries()
        self.modes = {}
        self.hang_seconds = hang_seconds
        self._random = random.Random(seed)
        self._random_lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the gateway pools its connections

            def log_message(self, fmt, *args):
                pass

            def do_GET(self):
                self._answer(200, b'{"ok":true}')

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if len(body) < length:
                    # The gateway was killed mid-request: nothing was delivered, nothing to answer.
                    self.close_connection = True
                    return
                department = self.path.strip("/").split("/")[0].split("?")[0]
                mode = receiver.modes.get(department, "ok")
                status = receiver._status_for(mode)
                try:
                    record_id = json.loads(body).get("id")
                except ValueError:
                    record_id = None
                receiver.deliveries.add({
                    "t": time.time(), "department": department, "key": self.headers.get("Idempotency-Key"),
                    "id": record_id, "status": status, "mode": mode,
                })
                if status is None:
                    time.sleep(receiver.hang_seconds)
                    self.close_connection = True
                    return
                self._answer(status, b'{"ok":true}' if status == 200 else b'{"error":"chaos"}',
                             retry_after=status == 503)

            def _answer(self, status, data, retry_after=False):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                if retry_after:
                    self.send_header("Retry-After", "1")
                self.end_headers()
                self.wfile.write(data)

        self.server = QuietServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _status_for(self, mode):
        if mode == "flap":
            with self._random_lock:
                return 503 if self._random.random() < 0.5 else 200
        return {"ok": 200, "reject": 400, "hang": None}[mode]

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Listener:
    """A port that refuses connections until `open()`, then serves a Receiver on it."""

    def __init__(self, deliveries_into=None):
        with socket.socket() as probe:  # a free port, closed again: connecting to it is refused
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.receiver = None
        self.deliveries_into = deliveries_into

    def open(self):
        self.receiver = Receiver(port=self.port)
        if self.deliveries_into is not None:
            self.receiver.deliveries = self.deliveries_into
        self.receiver.start()

    def close(self):
        if self.receiver:
            self.receiver.stop()
            self.receiver = None
