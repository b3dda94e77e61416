"""A webhook receiver for kairo-server's events, as a backend would write one: verifies `Kairo-Signature`
(HMAC-SHA256 of "<t>.<body>" with the endpoint's secret, within five minutes), ignores an event id it has seen
(deliveries are at least once), answers 200, and prints `verified <type> <id>` per event.

    WEBHOOK_SECRET=whsec_... python3 examples/server/webhook_receiver.py 9000
"""

import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = os.environ["WEBHOOK_SECRET"].encode()
seen = set()


def verified(body: bytes, header: str, tolerance: int = 300) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    expected = hmac.new(SECRET, parts.get("t", "").encode() + b"." + body, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(parts.get("t", "0"))) <= tolerance
    return fresh and hmac.compare_digest(expected, parts.get("v1", ""))


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if not verified(body, self.headers.get("Kairo-Signature", "")):
            self.send_response(400)
            self.end_headers()
            print("refused (bad signature)", flush=True)
            return
        event = json.loads(body)
        if event["id"] not in seen:
            seen.add(event["id"])
            print(f"verified {event['type']} {event['id']}", flush=True)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Hook).serve_forever()
