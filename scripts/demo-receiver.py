#!/usr/bin/env python3
"""A stand-in for a department's endpoint (承办单位), standard library only.

    python3 scripts/demo-receiver.py [--port 9009] [--log FILE] [--fail-first N]

Listens on 127.0.0.1:PORT and accepts a POST on any path (the gateway posts to
${DOWNSTREAM_URL}/<department id>). For each request it prints one line to stdout, appends
{"path", "headers", "body", "status", "received_at"} as one JSON line to --log when given
(every request, including the refused ones, so a fault demo can see the retries), and answers
200 {"ok":true}. --fail-first N answers 503 to the first N POSTs, to watch the gateway retry.
GET on any path answers 200 with a count, so scripts can wait for it to be up.
"""
import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=9009)
    ap.add_argument("--log", metavar="FILE", help="append one JSON line per request to FILE")
    ap.add_argument("--fail-first", type=int, default=0, metavar="N", help="answer 503 to the first N POSTs")
    args = ap.parse_args()

    lock = threading.Lock()  # ThreadingHTTPServer handles each connection on its own thread
    state = {"posts": 0, "delivered": 0}

    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.1 keep-alive: the gateway's HTTP client pools connections.
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *a):  # the one line per delivery below is the log
            pass

        def _answer(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 503:
                self.send_header("Retry-After", "1")
            self.end_headers()
            self.wfile.write(data)

        def _read_body(self) -> bytes:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass  # trailers
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()  # CRLF after each chunk
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self):
            with lock:
                self._answer(200, {"ok": True, "posts": state["posts"], "delivered": state["delivered"]})

        def do_POST(self):
            raw = self._read_body()
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            record = body if isinstance(body, dict) else {}
            with lock:
                state["posts"] += 1
                status = 503 if state["posts"] <= args.fail_first else 200
                if status == 200:
                    state["delivered"] += 1
                text = str(record.get("text", ""))
                text = text if len(text) <= 60 else text[:60] + "…"
                verb = "delivered to" if status == 200 else f"503 (fail-first {state['posts']}/{args.fail_first}) to"
                print(f"{verb} {self.path}: id={record.get('id')} "
                      f"Idempotency-Key={self.headers.get('Idempotency-Key')} text={text}", flush=True)
                if args.log:
                    line = {"path": self.path, "headers": dict(self.headers.items()), "body": body,
                            "status": status,
                            "received_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
                    with open(args.log, "a", encoding="utf-8") as f:
                        f.write(json.dumps(line, ensure_ascii=False) + "\n")
            if status == 200:
                self._answer(200, {"ok": True})
            else:
                self._answer(503, {"ok": False, "error": "fail-first"})

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"demo-receiver listening on http://127.0.0.1:{args.port}/<department>"
          + (f", logging to {args.log}" if args.log else "")
          + (f", failing the first {args.fail_first} POSTs with 503" if args.fail_first else ""), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
