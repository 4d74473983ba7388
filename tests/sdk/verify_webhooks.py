"""Verifies and parses webhook deliveries with Kaiten's SDK receiver (`kaitencloud.webhooks`).

Reads one JSON object per line on stdin: {"secret", "headers": {name: value}, "body": "<exact body>"}.
Prints one JSON object per line: {"ok": true, "model": "<SDK event class>", "name": "<event name>"} or
{"ok": false, "error": "..."}.
"""

import json
import sys

from kaitencloud import webhooks

for line in sys.stdin:
    if not line.strip():
        continue
    delivery = json.loads(line)
    try:
        event = webhooks.verify_webhook(delivery["body"], delivery["headers"], secret=delivery["secret"])
        known = not isinstance(event, webhooks.UnknownWebhookEvent)
        print(json.dumps({"ok": known, "model": type(event).__name__, "name": getattr(event, "name", None)}))
    except Exception as error:  # noqa: BLE001 -- every failure is reported
        print(json.dumps({"ok": False, "error": f"{type(error).__name__}: {error}"[:800]}))
