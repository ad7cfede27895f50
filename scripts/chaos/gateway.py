"""The gateway under test as a child process: start, wait until ready, SIGKILL, stop."""

import os
import signal
import sqlite3
import subprocess
import time
import urllib.request


class Gateway:
    """Every gateway started, so an aborted run can stop them all."""
    running = []

    def __init__(self, binary, config, data_dir, port, env, log_path):
        self.binary, self.config, self.data_dir, self.port = binary, config, data_dir, port
        self.env, self.log_path = env, log_path
        self.process = None
        self.starts = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_within=60.0):
        """Starts the gateway and returns the seconds until /readyz answered 200."""
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [self.binary, "serve", "--config", self.config, "--data-dir", self.data_dir,
             "--listen", f"127.0.0.1:{self.port}"],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **self.env})
        log.close()
        self.starts += 1
        Gateway.running.append(self)
        began = time.time()
        while time.time() - began < ready_within:
            if self.process.poll() is not None:
                raise RuntimeError(f"the gateway exited with {self.process.returncode}; see {self.log_path}")
            if self.get("/readyz") == 200:
                return time.time() - began
            time.sleep(0.05)
        raise RuntimeError(f"the gateway was not ready within {ready_within:.0f} s; see {self.log_path}")

    def kill(self):
        """SIGKILL: no shutdown handler runs, nothing is flushed."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self, grace=30.0):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def get(self, path, token=None, timeout=2.0):
        request = urllib.request.Request(self.url + path)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def post(self, path, token, body=b"", timeout=10.0):
        request = urllib.request.Request(self.url + path, data=body, method="POST")
        request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def database(self):
        """A read connection to the gateway's SQLite file (WAL: readers do not block it)."""
        db = sqlite3.connect(os.path.join(self.data_dir, "gateway.sqlite"), timeout=10)
        db.execute("PRAGMA busy_timeout = 10000")
        return db

    def pending(self):
        with self.database() as db:
            return db.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]

    def wait_drained(self, within):
        """Waits until nothing is pending in the outbox; returns the seconds it took."""
        began = time.time()
        while time.time() - began < within:
            if self.pending() == 0:
                return time.time() - began
            time.sleep(0.2)
        raise RuntimeError(f"{self.pending()} complaints still pending after {within:.0f} s")
