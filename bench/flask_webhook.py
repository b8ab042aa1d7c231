"""The baseline of the webhook benchmark: the hotline's first menus as
Twilio's own tutorials build a voice webhook, with Flask and the official
`twilio` library (RequestValidator, VoiceResponse). It answers the same
requests as `ivr-gateway twiml` for the call the benchmark places:
language menu, 3 (English), main menu, 1 (service points), 1 (Beijing,
then the menu again), # (back to the main menu), then the caller hangs up.

    TWILIO_AUTH_TOKEN=... python3 bench/flask_webhook.py PORT PUBLIC_URL
"""
import os
import sys

from flask import Flask, Response, abort, request
from twilio.request_validator import RequestValidator
from twilio.twiml.voice_response import Gather, VoiceResponse

port, public = int(sys.argv[1]), sys.argv[2].rstrip("/")
validator = RequestValidator(os.environ["TWILIO_AUTH_TOKEN"])
app = Flask(__name__)

WELCOME = "Hello, and welcome to the customer service hotline."
NOTICE = "This call may be recorded to help us improve our service."
LANGUAGE = "普通话请按1；廣東話請按2；For English, press 3."
MAIN = ("For service points, press 1. For our products, press 2. For member services, press 3. For answers to common "
        "questions, press 4. To change the language, press 9. For an agent, press 0.")
POINTS = "For Beijing, press 1. For Shanghai, press 2. For Guangzhou, press 3. To go back, press the pound key."
BEIJING = "Our Beijing service centre is at 88 Jianguo Road, Chaoyang District, open daily from 9 am to 6 pm."


def validated():
    url = public + request.full_path.rstrip("?")
    if not validator.validate(url, request.form, request.headers.get("X-Twilio-Signature", "")):
        abort(403)


def menu(step, prompts, timeout=5):
    response = VoiceResponse()
    gather = Gather(input="dtmf", num_digits=1, finish_on_key="", timeout=timeout, action_on_empty_result=True,
                    action=f"{public}/twiml/hotline/next?step={step}", method="POST")
    for text in prompts:
        gather.say(text, language="en-US")
    response.append(gather)
    return Response(str(response), mimetype="text/xml")


@app.post("/twiml/hotline")
def incoming():
    validated()
    return menu("language", [WELCOME, NOTICE, LANGUAGE], timeout=4)


@app.post("/twiml/hotline/next")
def next_step():
    validated()
    step, digits = request.args.get("step"), request.form.get("Digits", "")
    if step == "language":
        return menu("main", [MAIN])
    if step == "main" and digits == "1":
        return menu("points", [POINTS])
    if step == "points" and digits == "1":
        return menu("points", [BEIJING, POINTS])
    if step == "points" and digits == "#":
        return menu("main", [MAIN])
    return menu(step or "main", [MAIN])


@app.post("/twiml/status")
def status():
    validated()
    return ("", 204)


if __name__ == "__main__":
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    print(f"flask on 127.0.0.1:{port}", file=sys.stderr, flush=True)
    app.run(host="127.0.0.1", port=port, threaded=True)
