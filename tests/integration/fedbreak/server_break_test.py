"""Hostile clients against the real `inmor` on the embedded store: raw
sockets, odd targets and encodings, pipelining, half-closed connections and
descriptor counts. Every answer must be well-formed HTTP with the error JSON
of the spec, valid UTF-8, and never a 500.
"""

import json
import os
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))

from harness import DOMAIN, SharedServerCase, quote  # noqa: E402


def read_response(sock, timeout=10.0):
    """One HTTP/1.1 response with Content-Length from `sock`: (status, headers, body)."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a full head: {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length], rest[length:]


def exchange(port, raw, timeout=10.0):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(raw)
        status, headers, body, _ = read_response(sock, timeout)
        return status, headers, body


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class ServerBreakTest(SharedServerCase, unittest.TestCase):
    def assert_json_error(self, status, headers, body, expected_status=None):
        self.assertNotEqual(status, 500, body)
        if expected_status:
            self.assertEqual(status, expected_status, body)
        self.assertEqual(headers["content-type"], "application/json", body)
        # RFC 8259: JSON exchanged between systems is UTF-8.
        parsed = json.loads(body.decode("utf-8"))
        self.assertIsInstance(parsed["error"], str)
        self.assertIsInstance(parsed["error_description"], str)
        return parsed

    def get(self, target, extra=b""):
        return exchange(self.port, b"GET " + target + b" HTTP/1.1\r\nHost: ta.test\r\n" + extra +
                        b"Connection: close\r\n\r\n")

    # --- targets and encodings

    def test_absurd_targets_get_json_errors(self):
        for target in [b"*", b"http://other.test/health", b"/fetch?", b"/fetch?&&&", b"/fetch?=",
                       b"/fetch?sub", b"/fetch?sub=%", b"/fetch?sub=%zz", b"/fetch?sub=%2",
                       b"//fetch", b"/fetch/../fetch?sub=x", b"/%66etch?sub=x",
                       b"/fetch?sub=" + b"a" * 6000, b"/resolve?sub=%00&trust_anchor=x"]:
            with self.subTest(target=target[:60]):
                status, headers, body = self.get(target)
                if status != 200:
                    self.assert_json_error(status, headers, body)

    def test_invalid_utf8_in_fetch_sub_gives_utf8_error_json(self):
        # The unknown `sub` is echoed in error_description; raw 0xFF must not
        # reach the JSON text.
        status, headers, body = self.get(b"/fetch?sub=https%3A%2F%2Fx.test%2F%FF%FE")
        self.assert_json_error(status, headers, body, 404)

    def test_invalid_utf8_in_resolve_anchor_gives_utf8_error_json(self):
        status, headers, body = self.get(
            b"/resolve?sub=" + quote(DOMAIN).encode() + b"&trust_anchor=%C3%28")
        self.assert_json_error(status, headers, body)

    def test_unicode_and_fragment_subjects(self):
        for sub in ["https://t\u00e4.test", "https://ta.test#frag", "https://ta.test/?q=1",
                    "https://ta.test:99999", "https://[::1]", "http://127.0.0.1:1",
                    "https://" + "a" * 3000 + ".test", "https://ta.test/" + "%00"]:
            with self.subTest(sub=sub[:40]):
                for path in ["/fetch?sub=", "/resolve?trust_anchor=" + quote(DOMAIN) + "&sub="]:
                    status, headers, body = self.get((path + quote(sub)).encode())
                    self.assert_json_error(status, headers, body)

    def test_repeated_and_empty_parameters(self):
        for target in [b"/fetch?sub=&sub=https%3A%2F%2Fx.test", b"/list?entity_type=",
                       b"/list?intermediate=true&intermediate=false&trust_marked=yes",
                       b"/collection?limit=1&limit=0", b"/collection?from=&limit=2",
                       b"/trust_mark?trust_mark_type=&sub=", b"/collection?entity_claims="]:
            with self.subTest(target=target):
                status, headers, body = self.get(target)
                if status != 200:
                    self.assert_json_error(status, headers, body, 400)

    def test_forged_collection_cursors(self):
        for cursor in ["!!!", "AAAA", "a" * 4000, quote("aHR0cHM6Ly94LnRlc3Q="), "%FF"]:
            with self.subTest(cursor=cursor[:20]):
                status, headers, body = self.get(b"/collection?from=" + cursor.encode())
                self.assert_json_error(status, headers, body)

    def test_list_filters_combined(self):
        status, headers, body = self.get(
            b"/list?entity_type=openid_relying_party&entity_type=openid_provider"
            b"&trust_marked=true&intermediate=false&trust_mark_type=https%3A%2F%2Fta.test%2Ftm"
            b"%2Fmember&unknown=1")
        self.assertEqual(status, 200, body)
        self.assertIsInstance(json.loads(body), list)

    # --- methods and framing

    def test_unknown_and_odd_methods(self):
        for method in [b"BREW", b"OPTIONS", b"TRACE", b"PUT", b"DELETE", b"CONNECT"]:
            with self.subTest(method=method):
                status, headers, body = exchange(
                    self.port, method + b" /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0"
                    b"\r\nConnection: close\r\n\r\n")
                self.assert_json_error(status, headers, body, 405)
                self.assertIn("allow", headers)

    def test_pipelined_requests_answered_in_order(self):
        paths = [b"/health", b"/nope", b"/.well-known/openid-federation", b"/list"]
        raw = b"".join(b"GET " + p + b" HTTP/1.1\r\nHost: x\r\n\r\n" for p in paths)
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(raw)
            statuses = []
            leftover = b""
            for _ in paths:
                # read_response reads from the socket; feed leftovers back in first.
                status, headers, body, leftover = self._read_with(sock, leftover)
                statuses.append(status)
        self.assertEqual(statuses, [200, 404, 200, 200])

    def _read_with(self, sock, pending):
        class Prefixed:
            def __init__(self, inner, first):
                self.inner, self.first = inner, first

            def settimeout(self, value):
                self.inner.settimeout(value)

            def recv(self, size):
                if self.first:
                    out, self.first = self.first, b""
                    return out
                return self.inner.recv(size)
        return read_response(Prefixed(sock, pending))

    def test_http10_gets_answer_and_close(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"GET /health HTTP/1.0\r\n\r\n")
            status, headers, _, _ = read_response(sock)
            self.assertEqual(status, 200)
            self.assertEqual(sock.recv(10), b"")

    def test_half_closed_client_still_gets_answer(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.shutdown(socket.SHUT_WR)
            status, _, _, _ = read_response(sock)
            self.assertEqual(status, 200)

    def test_expect_continue_on_trust_mark_status(self):
        mark = self.seeded["marks"]["active"] if isinstance(self.seeded.get("marks"), dict) \
            and "active" in self.seeded["marks"] else "a.b.c"
        body = ("trust_mark=" + quote(mark)).encode()
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"POST /trust_mark_status HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Expect: 100-continue\r\nContent-Length: " +
                         str(len(body)).encode() + b"\r\n\r\n")
            interim = sock.recv(4096)
            self.assertTrue(interim.startswith(b"HTTP/1.1 100"), interim)
            sock.sendall(body)
            status, headers, answer, _ = read_response(sock)
            self.assertIn(status, (200, 404), answer)

    def test_chunked_body_on_trust_mark_status(self):
        body = b"trust_mark=a.b.c"
        raw = (b"POST /trust_mark_status HTTP/1.1\r\nHost: x\r\n"
               b"Content-Type: application/x-www-form-urlencoded\r\n"
               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
               b"5\r\n" + body[:5] + b"\r\n" + hex(len(body) - 5)[2:].encode() + b"\r\n" +
               body[5:] + b"\r\n0\r\n\r\n")
        status, headers, answer = exchange(self.port, raw)
        self.assert_json_error(status, headers, answer)
        # A mark never issued here: 404, read from the reassembled body.
        self.assertEqual(status, 404, answer)

    def test_huge_streamed_body_gets_413_not_reset(self):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as sock:
            sock.sendall(b"POST /trust_mark_status HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 50000000\r\n\r\ntrust_mark=")
            try:
                for _ in range(40):
                    sock.sendall(b"a" * 65536)
            except OSError:
                pass
            status, headers, body, _ = read_response(sock)
        self.assert_json_error(status, headers, body, 413)

    def test_bogus_transfer_encoding_and_lengths(self):
        for head in [b"Content-Length: -1\r\n", b"Content-Length: 1\r\nContent-Length: 2\r\n",
                     b"Transfer-Encoding: gzip\r\n", b"Content-Length: 99999999999999999999\r\n",
                     b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n"]:
            with self.subTest(head=head):
                raw = (b"POST /trust_mark_status HTTP/1.1\r\nHost: x\r\n"
                       b"Content-Type: application/x-www-form-urlencoded\r\n" + head +
                       b"Connection: close\r\n\r\nabc")
                try:
                    status, headers, body = exchange(self.port, raw)
                except ConnectionError:
                    continue  # closing without an answer is acceptable here
                self.assertIn(status, (400, 413, 501), body)

    # --- resources

    def test_many_connections_do_not_leak_descriptors(self):
        pid = self.server.process.pid
        self.get(b"/health")
        time.sleep(0.3)
        before = open_fds(pid)
        socks = []
        for _ in range(300):
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            socks.append(sock)
        for sock in socks[:150]:
            read_response(sock)
        for sock in socks:
            sock.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and open_fds(pid) > before + 2:
            time.sleep(0.1)
        self.assertLessEqual(open_fds(pid), before + 2)
        status, _, _ = self.get(b"/health")
        self.assertEqual(status, 200)


if __name__ == "__main__":
    unittest.main()
