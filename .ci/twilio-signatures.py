"""The gateway's Twilio signatures against the official `twilio` library,
both ways (SPEC 13): requests signed by RequestValidator are accepted, and
anything else refused, by a running `ivr-gateway twiml`; signatures the
gateway computes (`ivr-gateway sign`) validate with RequestValidator.

    python3 .ci/twilio-signatures.py .build/debug/ivr-gateway Flows
"""
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

from twilio.request_validator import RequestValidator

gateway, flows = sys.argv[1], sys.argv[2]
token = "twilio-auth-token-for-the-ci-check"
public = "https://ivr.example.com"
environment = dict(os.environ, TWILIO_AUTH_TOKEN=token, IVR_STATE_KEY="a state key for the CI check, 32+ characters")
validator = RequestValidator(token)
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
    print(("ok   " if condition else "FAIL ") + what)


# Gateway -> library: `ivr-gateway sign` for several requests, Chinese text and repeated names included.
for url, params in [
    (public + "/twiml/hotline?lang=zh-CN", {"CallSid": "CA1", "From": "+8613800138000", "To": "+8695588"}),
    (public + "/twiml/hotline/next?s=abc_-123", {"CallSid": "CA1", "Digits": "62001234", "FinishedOnKey": "#"}),
    (public + "/twiml/status", {"CallSid": "CA2", "CallStatus": "completed", "CallerName": "李雷 & 韩梅梅"}),
]:
    signature = subprocess.run([gateway, "sign", url] + [f"{k}={v}" for k, v in params.items()], env=environment,
                               capture_output=True, text=True, check=True).stdout.strip()
    check(validator.validate(url, params, signature), f"RequestValidator accepts the gateway's signature of {url}")
    check(signature == validator.compute_signature(url, params), f"the same signature for {url}")

# Library -> gateway: a running gateway judges requests RequestValidator signed.
server = subprocess.Popen([gateway, "twiml", flows, "--listen", "127.0.0.1:0", "--public-url", public], env=environment,
                          stderr=subprocess.PIPE, text=True)
try:
    port = None
    for line in server.stderr:
        found = re.search(r"over TwiML webhooks on http://127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            break
    check(port is not None, "the gateway listens")

    def post(path, params, signature):
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=urllib.parse.urlencode(params).encode(),
                                         headers={"X-Twilio-Signature": signature} if signature is not None else {})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    params = {"CallSid": "CA9", "From": "+8613800138000", "To": "+8695588", "Direction": "inbound"}
    path = "/twiml/hotline?lang=en-US"
    status, body = post(path, params, validator.compute_signature(public + path, params))
    check(status == 200 and "<Gather" in body, "a request RequestValidator signed is answered with TwiML")
    status, _ = post(path, params, None)
    check(status == 403, "no signature: 403")
    status, _ = post(path, params, RequestValidator("another-token").compute_signature(public + path, params))
    check(status == 403, "another account's signature: 403")
    status, _ = post(path, dict(params, From="+8613900139000"), validator.compute_signature(public + path, params))
    check(status == 403, "a parameter changed after signing: 403")
    status, _ = post("/twiml/hotline?lang=zh-CN", params, validator.compute_signature(public + path, params))
    check(status == 403, "the URL changed after signing: 403")
finally:
    server.terminate()
    server.wait(timeout=30)

if failures:
    sys.exit(f"twilio signatures: {len(failures)} failed")
print("twilio signatures: the gateway and the official library agree both ways")
