#!/usr/bin/env python3
"""Loopback HTTP server standing in for an upstream behind a proxy example.

Every request gets a 200 response with a JSON description of what arrived
(method, path, headers, body as hex), so check-deploy.sh can see what the
proxy forwarded. It binds 127.0.0.1 only and prints its port on the first line.

    echo_server.py [PORT]      # PORT 0 (default) picks a free one
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class EchoHandler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        description = {
            "method": self.command,
            "path": self.path,
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body_hex": body.hex(),
        }
        payload = json.dumps(description).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _answer
    do_POST = _answer
    do_PUT = _answer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (base class name)
        pass


def main() -> None:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = ThreadingHTTPServer(("127.0.0.1", port), EchoHandler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
