#!/usr/bin/env python3
"""Independent oracle for the email adapter tests: Python's email package (policy.default).

For each message file given, prints one JSON line: subject, From address and display name, the
body chosen by get_body(('plain', 'html')) with its type, and the attachment filenames, or the
error Python raised. Whitespace in text is collapsed the same way the Swift test collapses ours.
"""
import json, re, sys
from email import message_from_bytes, policy

def clean(text):
    # Bytes Python could not decode travel as lone surrogates; show them as U+FFFD.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")

def squash(text):
    return re.sub(r"\s+", " ", clean(text or "")).strip()

for path in sys.argv[1:]:
    out = {"file": path.rsplit("/", 1)[-1]}
    try:
        raw = open(path, "rb").read()
        msg = message_from_bytes(raw, policy=policy.default)
        out["subject"] = squash(str(msg["subject"])) if msg["subject"] is not None else None
        sender = msg["from"]
        if sender is not None and getattr(sender, "addresses", None):
            out["from_address"] = clean(sender.addresses[0].addr_spec)
            out["from_name"] = clean(sender.addresses[0].display_name) or None
        body = msg.get_body(preferencelist=("plain", "html"))
        out["body_type"] = body.get_content_type() if body is not None else None
        out["body"] = squash(body.get_content()) if body is not None else None
    except Exception as error:  # the oracle itself fails on some odd messages
        out["error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(out, ensure_ascii=False))
