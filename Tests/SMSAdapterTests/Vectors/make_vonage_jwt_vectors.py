#!/usr/bin/env python3
"""Vonage Messages API webhooks, signed as Vonage signs them (a JWT, HS256 with the signature
secret, the body's SHA-256 in `payload_hash`), each checked with Vonage's own verifier
(`vonage_jwt.verify_signature`); writes vonage_jwt_vectors.json beside this file.

Requires: pip install vonage-jwt pyjwt
Run: python3 Tests/SMSAdapterTests/Vectors/make_vonage_jwt_vectors.py
"""
import hashlib
import json
import os

import jwt
from vonage_jwt.verify_jwt import verify_signature

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = 1795000000  # the clock of vectors.json
SECRET = json.load(open(os.path.join(HERE, "vectors.json")))["secrets"]["vonage_signature_secret"]

inbound = {
    "channel": "sms", "message_uuid": "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab", "to": "447700900000",
    "from": "8613812345678", "timestamp": "2026-11-18T08:46:30Z", "text": "小区门口的路灯坏了一个月 🙏",
    "sms": {"num_messages": "1"}, "usage": {"price": "0.0057", "currency": "EUR"},
    "message_type": "text", "context_status": "none",
}
parsed = {"external_id": inbound["message_uuid"], "phone": "+8613812345678", "text": inbound["text"],
          "received_at": "2026-11-18T08:46:30Z"}
vectors = []


def body_of(message):
    return json.dumps(message, ensure_ascii=False, separators=(",", ":"))


def token(body, secret=SECRET, iat=NOW - 2, algorithm="HS256", payload_hash=None):
    claims = {"iat": iat, "jti": "6c5b4f0e-2d6a-4d5e-9a1b-0123456789ab", "iss": "Vonage",
              "payload_hash": payload_hash or hashlib.sha256(body.encode()).hexdigest(),
              "api_key": "a1b2c3d4", "application_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab"}
    return jwt.encode(claims, secret if algorithm != "none" else None, algorithm=algorithm)


def add(name, body, signed, expect, with_parsed=False, vonage_says=None):
    if vonage_says is not None:
        assert verify_signature(signed, SECRET) is vonage_says, name
    vectors.append({
        "provider": "vonage", "name": name, "public_base_url": "https://gw.example.com", "path": "/v1/sms/vonage",
        "query": None, "headers": {"Content-Type": "application/json", "Authorization": "Bearer " + signed},
        "body": body, "now": NOW, "expect": expect, "parsed": parsed if with_parsed else None, "config": {},
    })


body = body_of(inbound)
add("messages_api_valid", body, token(body), "accepted", with_parsed=True, vonage_says=True)
add("messages_api_tampered_body", body.replace("一个月", "两个月"), token(body), "bad_signature", vonage_says=True)
add("messages_api_wrong_secret", body, token(body, secret="not-the-signature-secret"), "bad_signature",
    vonage_says=False)
add("messages_api_expired", body, token(body, iat=NOW - 301), "stale_timestamp", vonage_says=True)
add("messages_api_just_in_time", body, token(body, iat=NOW - 299), "accepted", vonage_says=True)
add("messages_api_iat_absurd", body, token(body, iat=10 ** 300), "bad_timestamp")
add("messages_api_alg_none", body, token(body, algorithm="none"), "unsupported_algorithm")
status = body_of({"message_uuid": inbound["message_uuid"], "to": "8613812345678", "from": "447700900000",
                  "timestamp": "2026-11-18T08:46:31Z", "status": "delivered", "channel": "sms"})
add("messages_api_status", status, token(status), "accepted", vonage_says=True)

with open(os.path.join(HERE, "vonage_jwt_vectors.json"), "w", encoding="utf-8") as out:
    json.dump({"vectors": vectors}, out, ensure_ascii=False, indent=1)
    out.write("\n")
print(f"{len(vectors)} vectors")
