#!/usr/bin/env python3
"""Verifies a Standard Webhooks signature with the reference implementation (PyPI `standardwebhooks`).

The dispatch tests run it as an independent check of the gateway's signing:

    echo '{"secret": "whsec_...", "headers": {...}, "body_base64": "..."}' | python3 scripts/verify-webhook.py

Prints "ok" and exits 0 when the signature verifies; prints the reason and exits 1 otherwise.
"""
import base64
import json
import sys

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

request = json.load(sys.stdin)
body = base64.b64decode(request["body_base64"])
try:
    Webhook(request["secret"]).verify(body, request["headers"], json_parse=False)
except WebhookVerificationError as error:
    print(f"not verified: {error}")
    sys.exit(1)
print("ok")
