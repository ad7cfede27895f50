#!/usr/bin/env python3
"""GET variants of the SMS webhook vectors, signed with the providers' own SDKs; writes get_vectors.json.

Twilio, Vonage and Plivo can be set to send an incoming message as the query of a GET instead of
a POST body. Same secrets, clock and messages as make_vectors.py (read from vectors.json).

Requires: pip install twilio plivo vonage
Run: python3 Tests/SMSAdapterTests/Vectors/make_get_vectors.py
"""
import json
import os
from urllib.parse import urlencode

from plivo.utils.signature_v3 import construct_get_url, get_signature_v3, validate_v3_signature
from twilio.request_validator import RequestValidator
from vonage_http_client.auth import Auth as VonageAuth

HERE = os.path.dirname(os.path.abspath(__file__))
shared = json.load(open(os.path.join(HERE, "vectors.json")))
SECRETS = shared["secrets"]
NOW = shared["vectors"][0]["now"]
BASE = "https://gw.example.com"


def post_vector(provider, name):
    return next(v for v in shared["vectors"] if v["provider"] == provider and v["name"] == name)


def form_of(vector):
    from urllib.parse import parse_qsl
    return dict(parse_qsl(vector["body"], keep_blank_values=True))


vectors = []


def add(provider, name, query, headers, expect, parsed):
    vectors.append({
        "provider": provider, "name": name, "method": "GET", "public_base_url": BASE,
        "path": "/v1/sms/" + provider, "query": query, "headers": headers, "body": "", "now": NOW,
        "expect": expect, "parsed": parsed, "config": {"signature_method": "sha256"} if provider == "vonage" else {},
    })


# ---- Twilio: the signature covers the URL with its query, and no other parameters ---------------
twilio_post = post_vector("twilio", "valid_chinese_emoji")
sms = form_of(twilio_post)
tw = RequestValidator(SECRETS["twilio_auth_token"])
for name, prefix in [("get_valid", ""), ("get_with_own_query", "tenant=acme&")]:
    query = prefix + urlencode(sms)
    url = BASE + "/v1/sms/twilio?" + query
    signature = tw.compute_signature(url, {})
    assert tw.validate(url, {}, signature)
    add("twilio", name, query, {"X-Twilio-Signature": signature}, "accepted", twilio_post["parsed"])
query = urlencode(sms)
signature = tw.compute_signature(BASE + "/v1/sms/twilio?" + query, {})
add("twilio", "get_tampered", urlencode(dict(sms, Body="改过的内容")), {"X-Twilio-Signature": signature},
    "bad_signature", None)

# ---- Plivo: V3 over the URL with its query sorted and decoded, then the nonce ---------------------
# The SDK's GET path cannot take non-ASCII text (parse_qs on the URL's bytes fails to re-encode
# it), so these carry an ASCII message.
plivo_post = post_vector("plivo", "valid_chinese_emoji")
plivo_params = dict(form_of(plivo_post), Text="Street light out at 5th & Main, 3 nights now")
plivo_parsed = dict(plivo_post["parsed"], text=plivo_params["Text"])
token = SECRETS["plivo_auth_token"]
for name, params, expect in [("get_valid", plivo_params, "accepted"),
                             ("get_tampered", dict(plivo_params, Text="Nothing wrong"), "bad_signature")]:
    nonce = "98765432109876543210" + name[-4:]
    signed_url = BASE + "/v1/sms/plivo?" + urlencode(plivo_params)
    signature = get_signature_v3(token.encode(), construct_get_url(signed_url, {}).decode("utf-8"),
                                 nonce.encode()).decode()
    assert validate_v3_signature("GET", signed_url, nonce, token, signature, {})
    add("plivo", name, urlencode(params), {"X-Plivo-Signature-V3": signature, "X-Plivo-Signature-V3-Nonce": nonce},
        expect, plivo_parsed if expect == "accepted" else None)

# ---- Vonage: the same `sig` over the parameters, which now come in the query ----------------------
vonage_post = post_vector("vonage", "valid_sha256")
vonage_params = {k: v for k, v in form_of(vonage_post).items() if k != "sig"}
sig = VonageAuth(api_key="abcd1234", signature_secret=SECRETS["vonage_signature_secret"],
                 signature_method="sha256").sign_params(dict(vonage_params))
add("vonage", "get_valid", urlencode(dict(vonage_params, sig=sig)), {}, "accepted", vonage_post["parsed"])
add("vonage", "get_tampered", urlencode(dict(vonage_params, text="改过", sig=sig)), {}, "bad_signature", None)

with open(os.path.join(HERE, "get_vectors.json"), "w") as out:
    json.dump({"vectors": vectors}, out, ensure_ascii=False, indent=1)
    out.write("\n")
print(f"{len(vectors)} vectors")
