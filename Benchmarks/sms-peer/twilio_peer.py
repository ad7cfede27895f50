#!/usr/bin/env python3
"""The Python peer for the SMS benchmark: what a team would write for Twilio webhooks in a
Flask-style handler — verify X-Twilio-Signature, commit each message to SQLite (WAL,
synchronous=FULL, one transaction per webhook, deduplicated on MessageSid), answer empty TwiML.
Standard library only (a threading HTTP server; the twilio SDK's algorithm, written with hmac).

    python3 twilio_peer.py --port 18190 --db /tmp/peer.sqlite --token TOKEN --public-url URL
"""
import argparse
import base64
import hashlib
import hmac
import http.server
import sqlite3
import threading
import time
import urllib.parse

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--db", required=True)
parser.add_argument("--token", required=True)
parser.add_argument("--public-url", required=True)
args = parser.parse_args()

local = threading.local()


def db():
    if not hasattr(local, "conn"):
        conn = sqlite3.connect(args.db, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS messages (sid TEXT PRIMARY KEY, sender TEXT, body TEXT, raw BLOB, "
                     "received_at REAL)")
        local.conn = conn
    return local.conn


def signature(url, params):
    s = url + "".join(k + v for k in sorted(params) for v in sorted(set(params[k])))
    return base64.b64encode(hmac.new(args.token.encode(), s.encode(), hashlib.sha1).digest()).decode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in two writes; without this, Nagle holds the body until the client
    # acknowledges the headers, which a delayed ACK puts off by 40 ms: every request would wait that long.
    disable_nagle_algorithm = True

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        params = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
        if not hmac.compare_digest(signature(args.public_url, params), self.headers.get("X-Twilio-Signature", "")):
            return self.reply(403, b"forbidden")
        conn = db()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT OR IGNORE INTO messages VALUES (?, ?, ?, ?, ?)",
                     (params["MessageSid"][0], params.get("From", [""])[0], params.get("Body", [""])[0], raw,
                      time.time()))
        conn.execute("COMMIT")
        self.reply(200, b"<Response/>")

    def reply(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


db().close()
del local.conn
server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
server.daemon_threads = True
server.serve_forever()
