#!/usr/bin/env python3
"""Signed Twilio incoming-message webhooks for wrk, made before the run.

Each line of the output is `X-Twilio-Signature<TAB>form body`, each message with its own
MessageSid, so every request is a new complaint. twilio-signed.lua sends them in order. Signing
here and not in the load generator keeps the client cheap: signing in LuaJIT cost the client a
whole core, so it, not the server, set the pace of every row of the table, nginx's included.

    twilio_presign.py --count 240000 --token T --url https://sms.example.org/v1/sms/twilio --out FILE

Standard library only; the algorithm is the twilio SDK's RequestValidator (HMAC-SHA1 over the
URL followed by every parameter's name and value, sorted by name; base64).
"""
import argparse
import base64
import hashlib
import hmac
import os
import urllib.parse

TEXT = "晚上11点了小区旁边的工地还在施工,打桩机的声音非常大,请尽快处理"
FIXED = {
    "AccountSid": "AC0123456789abcdef0123456789abcdef", "ApiVersion": "2010-04-01", "Body": TEXT,
    "From": "+8613812345678", "FromCity": "", "FromCountry": "CN", "FromState": "", "FromZip": "",
    "NumMedia": "0", "NumSegments": "2", "SmsStatus": "received", "To": "+14155550100", "ToCity": "",
    "ToCountry": "US", "ToState": "CA", "ToZip": "",
}
SID_NAMES = ("MessageSid", "SmsMessageSid", "SmsSid")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--url", required=True, help="the URL Twilio calls: the signature covers it")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    names = sorted(list(FIXED) + list(SID_NAMES))
    fixed_body = urllib.parse.urlencode(FIXED, quote_via=urllib.parse.quote)
    # A prefix of its own per file: two runs against one database never share a MessageSid.
    prefix = os.urandom(8).hex()
    key = args.token.encode()
    with open(args.out, "w", encoding="utf-8") as out:
        for counter in range(1, args.count + 1):
            sid = "SM%s%016x" % (prefix, counter)
            signed = args.url + "".join(name + FIXED.get(name, sid) for name in names)
            signature = base64.b64encode(hmac.new(key, signed.encode(), hashlib.sha1).digest()).decode()
            body = "%s&MessageSid=%s&SmsMessageSid=%s&SmsSid=%s" % (fixed_body, sid, sid, sid)
            out.write(signature + "\t" + body + "\n")


if __name__ == "__main__":
    main()
