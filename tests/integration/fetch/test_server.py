#!/usr/bin/env python3
"""HTTP(S) server with scripted behaviours for the fetcher's tests.

Listens on the given loopback address (port 0 picks a free port), prints
"listening port=N" on stdout once ready, and serves until killed.

Paths (query parameters in brackets):
  /text                 200 text/plain "hello fetch"
  /latin1               200 text/plain whose body is not UTF-8
  /big [n]              n bytes with a Content-Length header
  /trickle [chunks, size, delay]
                        chunked body, one chunk of `size` bytes every `delay` s
  /slow [delay]         waits `delay` s, then 200
  /status [code, key, retry_after]
                        responds with `code` (and Retry-After when given)
  /flaky [key, fail, code, retry_after]
                        the first `fail` requests per key answer `code`, then 200
  /redirect [to, code]  redirect to `to` with `code` (default 302)
  /loop [n, delay]      waits `delay` s (when given), then redirects to
                        /loop?n=n+1 with the same delay, forever
  /echo                 200 with the method, content type and body it received
  /headers [n, size]    200 after `n` extra headers of `size` bytes each
  /gzip [n]             gzip of `n` zero bytes, Content-Encoding: gzip, whatever
                        the request's Accept-Encoding
  /attempts [key]       how many requests /status and /flaky saw for `key`
Every request to /status and /flaky counts under its key, and every new
connection under the key "connections".
"""

import argparse
import gzip
import http.server
import socket
import ssl
import sys
import threading
import time
import urllib.parse

counters = {}
counters_lock = threading.Lock()


def count(key):
    with counters_lock:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        count("connections")
        super().setup()

    def log_message(self, format, *args):
        sys.stderr.write("test_server: " + (format % args) + "\n")

    def send_body(self, code, body, content_type="text/plain; charset=utf-8", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        route = getattr(self, "route_" + url.path.strip("/").replace("-", "_"), None)
        if route is None:
            self.send_body(404, b"not found\n")
            return
        route(query)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        url = urllib.parse.urlsplit(self.path)
        if url.path == "/echo":
            self.route_echo({}, body)
            return
        if url.path == "/redirect":
            self.route_redirect(dict(urllib.parse.parse_qsl(url.query)))
            return
        self.send_body(404, b"not found\n")

    def route_text(self, query):
        self.send_body(200, b"hello fetch")

    def route_latin1(self, query):
        self.send_body(200, b"caf\xe9", "text/plain; charset=iso-8859-1")

    def route_big(self, query):
        self.send_body(200, b"a" * int(query.get("n", "1000")), "application/octet-stream")

    def route_trickle(self, query):
        chunks = int(query.get("chunks", "10"))
        size = int(query.get("size", "1024"))
        delay = float(query.get("delay", "0.05"))
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for _ in range(chunks):
                self.wfile.write(b"%x\r\n%s\r\n" % (size, b"t" * size))
                self.wfile.flush()
                time.sleep(delay)
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def route_slow(self, query):
        time.sleep(float(query.get("delay", "3")))
        try:
            self.send_body(200, b"slow")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def status_answer(self, code, query):
        headers = []
        if "retry_after" in query:
            headers.append(("Retry-After", query["retry_after"]))
        self.send_body(code, b"status %d\n" % code, headers=headers)

    def route_status(self, query):
        count(query.get("key", "default"))
        self.status_answer(int(query.get("code", "503")), query)

    def route_flaky(self, query):
        seen = count(query.get("key", "default"))
        if seen <= int(query.get("fail", "1")):
            self.status_answer(int(query.get("code", "503")), query)
        else:
            self.send_body(200, b"recovered")

    def route_redirect(self, query):
        self.send_response(int(query.get("code", "302")))
        self.send_header("Location", query["to"])
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route_loop(self, query):
        next_hop = "/loop?n=%d" % (int(query.get("n", "0")) + 1)
        if "delay" in query:
            time.sleep(float(query["delay"]))
            next_hop += "&delay=" + query["delay"]
        try:
            self.route_redirect({"to": next_hop})
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def route_echo(self, query, body=b""):
        content_type = self.headers.get("Content-Type", "")
        answer = "%s\n%s\n" % (self.command, content_type)
        self.send_body(200, answer.encode() + body)

    def route_headers(self, query):
        count(query.get("key", "headers"))
        self.send_response(200)
        filler = "h" * int(query.get("size", "1000"))
        try:
            for index in range(int(query.get("n", "100"))):
                self.send_header("X-Filler-%d" % index, filler)
                # Flushed as it goes, so a client stopping early is seen.
                if index % 64 == 0:
                    self.wfile.write(b"".join(self._headers_buffer))
                    self._headers_buffer = []
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True

    def route_gzip(self, query):
        body = gzip.compress(b"\0" * int(query.get("n", "1000")))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def route_attempts(self, query):
        with counters_lock:
            value = counters.get(query.get("key", "default"), 0)
        self.send_body(200, str(value).encode())


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


class Server6(Server):
    address_family = socket.AF_INET6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cert", help="PEM certificate chain; serves https when set")
    parser.add_argument("--key", help="PEM private key for --cert")
    args = parser.parse_args()

    server_class = Server6 if ":" in args.host else Server
    server = server_class((args.host, args.port), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("listening port=%d" % server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
