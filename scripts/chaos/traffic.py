"""Requests like the real senders make them, each carrying a unique marker, and clients that
behave like those senders when the gateway is away: retry the same request until it is answered.

Channels: the JSON API (with an Idempotency-Key), a Twilio-signed SMS webhook, a raw email
(POST /v1/email) and a 12345 hotline CSV upload of a few rows. Every complaint text carries a
marker `CHAOS-<hex>`, so the checks can find each logical request in the store, whatever id
it got, and count how often it was stored.
"""

import base64
import hashlib
import hmac
import http.client
import json
import random
import threading
import time
import urllib.parse
import uuid

TOPICS = {  # department -> a text the sample routing tables send there
    "urban-management": "晚上11点了小区旁边的工地还在施工,噪音很大,请尽快处理",
    "water-supply": "我家已经停水两天了,水压低,请供水公司处理",
    "environment": "河边的工厂在排污,有很重的异味,请环保部门查处",
    "housing": "小区物业不管电梯故障,已经一个月了",
    "transport": "路口的红绿灯坏了,公交车和出租车乱停车占道",
}


def marker():
    return "CHAOS-" + uuid.uuid4().hex


class Request:
    """One logical request: sent again, byte for byte, until the gateway answers it."""

    def __init__(self, kind, method, path, headers, body, markers, department):
        self.kind, self.method, self.path = kind, method, path
        self.headers, self.body = headers, body
        self.markers, self.department = markers, department


class Builder:
    def __init__(self, token, twilio_token, public_base_url, rng=None):
        self.token = token
        self.twilio_token = twilio_token
        self.public_base_url = public_base_url
        self.random = rng or random.Random()

    def any(self, weights=(4, 3, 2, 1)):
        kind = self.random.choices(["api", "sms", "email", "csv"], weights=weights)[0]
        return getattr(self, kind)(self.random.choice(list(TOPICS)))

    def api(self, department):
        mark = marker()
        body = json.dumps({
            "text": f"{TOPICS[department]} {mark}", "category": "投诉",
            "complainant": {"phone": f"138{self.random.randrange(10**8):08d}"},
            "location": {"district": "西湖区", "address": "文三路100号"},
        }, ensure_ascii=False).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json",
                   "Idempotency-Key": str(uuid.uuid4())}
        return Request("api", "POST", "/v1/complaints", headers, body, [mark], department)

    def sms(self, department):
        mark = marker()
        path = "/v1/sms/twilio"
        params = {"MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "0" * 32,
                  "From": f"+86138{self.random.randrange(10**8):08d}", "To": "+8612345",
                  "Body": f"{TOPICS[department]} {mark}", "NumSegments": "1", "NumMedia": "0"}
        # Twilio's scheme: HMAC-SHA1 over the public URL and the sorted parameters, base64.
        signed = self.public_base_url + path + "".join(k + params[k] for k in sorted(params))
        signature = base64.b64encode(hmac.new(self.twilio_token.encode(), signed.encode(), hashlib.sha1).digest())
        headers = {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature.decode()}
        return Request("sms", "POST", path, headers, urllib.parse.urlencode(params).encode(), [mark], department)

    def email(self, department):
        mark = marker()
        text = f"{TOPICS[department]}\n{mark}\n"
        body = (
            f"From: =?UTF-8?B?{base64.b64encode('王先生'.encode()).decode()}?= <citizen@example.com>\r\n"
            f"To: complaints@gateway.example\r\nSubject: =?UTF-8?B?{base64.b64encode('投诉'.encode()).decode()}?=\r\n"
            f"Message-ID: <{uuid.uuid4().hex}@chaos.example>\r\nDate: Sun, 29 Nov 2026 10:00:00 +0800\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64.encodebytes(text.encode()).decode().replace("\n", "\r\n")
        ).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "message/rfc822"}
        return Request("email", "POST", "/v1/email", headers, body, [mark], department)

    def csv(self, department, rows=5):
        marks = [marker() for _ in range(rows)]
        lines = ["工单编号,来电时间,来电号码,姓名,诉求类型,诉求内容,事发地址,坐席工号,通话时长"]
        for mark in marks:
            ticket = "GD" + uuid.uuid4().hex[:16]
            lines.append(f'{ticket},2026/11/29 08:15:02,13812345678,张女士,投诉,"{TOPICS[department]} {mark}",'
                         f'文三路100号,A0{self.random.randrange(100)},120')
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "text/csv"}
        body = ("\r\n".join(lines) + "\r\n").encode()
        return Request("csv", "POST", "/v1/hotline/calls?profile=12345", headers, body, marks, department)


class Outcome:
    def __init__(self, request, status, body, sent_at, answered_at, tries):
        self.request, self.status, self.body = request, status, body
        self.sent_at, self.answered_at, self.tries = sent_at, answered_at, tries

    def ids(self):
        """The complaint ids the answer names (none for SMS: providers get their own reply)."""
        try:
            answer = json.loads(self.body)
        except ValueError:
            return []
        if "ids_by_line" in answer:
            return list(answer["ids_by_line"].values())
        return [answer["id"]] if answer.get("id") else []


class Client:
    """One sender on one keep-alive connection, reconnecting whenever the gateway went away."""

    RETRYABLE = {429, 500, 502, 503, 504}

    def __init__(self, port, timeout=10.0):
        self.port, self.timeout = port, timeout
        self.connection = None

    def send_until_answered(self, request, give_up_at, backoff=0.1):
        """Sends until a definite answer (2xx or 4xx); None when `give_up_at()` passed first."""
        tries, sent_at = 0, time.time()
        while time.time() < give_up_at():
            tries += 1
            try:
                status, body = self._send(request)
            except (OSError, http.client.HTTPException):
                self.close()
                time.sleep(backoff)
                continue
            if status in self.RETRYABLE:
                time.sleep(backoff)
                continue
            return Outcome(request, status, body, sent_at, time.time(), tries)
        return None

    def _send(self, request):
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        self.connection.request(request.method, request.path, body=request.body, headers=request.headers)
        response = self.connection.getresponse()
        body = response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, body

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Load:
    """Concurrent senders until stopped; every answered request is kept for the checks."""

    def __init__(self, port, builder_factory, workers, rate_per_worker=None, weights=(4, 3, 2, 1)):
        self.port, self.builder_factory, self.workers = port, builder_factory, workers
        self.rate_per_worker, self.weights = rate_per_worker, weights
        self.outcomes, self.unanswered = [], []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = []
        self.give_up_at = float("inf")

    def start(self):
        for index in range(self.workers):
            thread = threading.Thread(target=self._work, args=(index,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self, finish_within=60.0):
        """No new requests; those under way keep retrying for up to `finish_within` seconds."""
        self.give_up_at = time.time() + finish_within
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def _work(self, index):
        builder = self.builder_factory(index)
        client = Client(self.port)
        while not self._stop.is_set():
            request = builder.any(self.weights)
            outcome = client.send_until_answered(request, give_up_at=lambda: self.give_up_at)
            with self._lock:
                (self.outcomes if outcome else self.unanswered).append(outcome or request)
            if self.rate_per_worker:
                time.sleep(1.0 / self.rate_per_worker)
        client.close()
