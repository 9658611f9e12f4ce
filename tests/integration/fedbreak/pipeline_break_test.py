"""Pipelined, concurrent and shutting-down clients against the real `inmor`.

Each request carries a value the server echoes (the `sub` of an unknown
subordinate, or the trust mark whose status is asked), so every check can
tell whose response a client read. Both connection modes of the HTTP server
run: one worker thread (no strand) and two worker threads (a strand per
connection).
"""

import base64
import json
import os
import resource
import signal
import socket
import sys
import threading
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))

from harness import Server, SharedServerCase, Workspace  # noqa: E402

STATUS_MARKS = ["active", "active_op", "revoked", "replaced", "expired"]
ENTITY_CONFIGURATION = b"GET /.well-known/openid-federation HTTP/1.1\r\nHost: x\r\n\r\n"


def fetch_request(token, close=False, method=b"GET", extra=b""):
    """A /fetch request for the unknown subordinate https://TOKEN.test."""
    return (method + b" /fetch?sub=https%3A%2F%2F" + token.encode() + b".test HTTP/1.1\r\n"
            b"Host: x\r\n" + extra + (b"Connection: close\r\n" if close else b"") + b"\r\n")


def fetch_request_of_size(token, size):
    """A /fetch request whose head is exactly `size` bytes, padded in an X-Pad header."""
    padding = size - len(fetch_request(token, extra=b"X-Pad: \r\n"))
    return fetch_request(token, extra=b"X-Pad: " + b"a" * padding + b"\r\n")


def status_request(mark, padding=0):
    body = ("trust_mark=" + urllib.parse.quote(mark, safe="")).encode()
    if padding:
        body += b"&pad=" + b"b" * padding
    return (b"POST /trust_mark_status HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


class ResponseReader:
    """Reads consecutive HTTP/1.1 responses with Content-Length from one socket."""

    def __init__(self, sock):
        self.sock = sock
        self.pending = b""

    def _receive(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed with {len(self.pending)} bytes of a response read")
        self.pending += chunk

    def read(self, head_only=False):
        """Return (status, headers, body). Pass `head_only` for the response to HEAD."""
        while b"\r\n\r\n" not in self.pending:
            self._receive()
        head, _, self.pending = self.pending.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head_only else int(headers.get("content-length", "0"))
        while len(self.pending) < length:
            self._receive()
        body, self.pending = self.pending[:length], self.pending[length:]
        return int(lines[0].split(" ")[1]), headers, body

    def closed(self, timeout=5.0):
        """Return True when the server ends the connection with nothing more sent."""
        self.sock.settimeout(timeout)
        try:
            return not self.pending and self.sock.recv(1) == b""
        except TimeoutError:
            return False


def connect(port):
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def echoed_sub(body):
    """Return the subordinate named in a 404 from /fetch."""
    description = json.loads(body)["error_description"]
    return description.rsplit(" ", 1)[-1]


def status_mark(body):
    """Return the trust_mark claim of a trust mark status response."""
    payload = body.decode().split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))["trust_mark"]


class PipelineCase(SharedServerCase):
    """Checks shared by both connection modes. `extra_config` selects the mode."""

    @classmethod
    def workspace_config(cls):
        return cls.extra_config + "\n[limits]\ntrust_mark_status_per_minute = 0\n"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.marks = {name: cls.seeded["marks"][name] for name in STATUS_MARKS}

    def assert_fetch_response(self, response, token):
        status, _, body = response
        self.assertEqual(status, 404, body)
        self.assertEqual(echoed_sub(body), f"https://{token}.test")

    def assert_status_response(self, response, name):
        status, _, body = response
        self.assertEqual(status, 200, body)
        self.assertEqual(status_mark(body), self.marks[name])

    def mixed_plan(self, count, label):
        """Return (request bytes, expected responses) mixing POSTs, GETs and HEADs."""
        raw = b""
        expected = []
        for index in range(count):
            kind = index % 4
            if kind == 0:
                name = STATUS_MARKS[index % len(STATUS_MARKS)]
                raw += status_request(self.marks[name])
                expected.append(("status", name))
            elif kind == 1:
                raw += fetch_request(f"head-{label}-{index}", method=b"HEAD")
                expected.append(("head", None))
            else:
                token = f"get-{label}-{index}"
                raw += fetch_request(token)
                expected.append(("fetch", token))
        return raw, expected

    def assert_plan_answered(self, reader, expected):
        for index, (kind, value) in enumerate(expected):
            with self.subTest(response=index, kind=kind):
                response = reader.read(head_only=kind == "head")
                if kind == "status":
                    self.assert_status_response(response, value)
                elif kind == "fetch":
                    self.assert_fetch_response(response, value)
                else:
                    self.assertEqual(response[0], 404)
                    self.assertEqual(response[2], b"")
                    self.assertGreater(int(response[1]["content-length"]), 0)

    def test_pipeline_in_one_send(self):
        for count in (2, 9, 200):
            with self.subTest(count=count):
                raw, expected = self.mixed_plan(count, f"one{count}")
                with connect(self.port) as sock:
                    sock.sendall(raw + fetch_request("last", close=True))
                    reader = ResponseReader(sock)
                    self.assert_plan_answered(reader, expected)
                    self.assert_fetch_response(reader.read(), "last")
                    self.assertTrue(reader.closed())

    def test_pipeline_in_small_sends(self):
        raw, expected = self.mixed_plan(12, "small")
        for size in (1, 7, 4095, 4097):
            with self.subTest(size=size), connect(self.port) as sock:
                for start in range(0, len(raw), size):
                    sock.sendall(raw[start:start + size])
                self.assert_plan_answered(ResponseReader(sock), expected)

    def test_pipeline_across_4096_bytes(self):
        # The session reads up to 4096 bytes at once: let a request end just
        # before, at and after that offset, with more requests after it.
        for first_size in range(4090, 4100):
            with self.subTest(first_size=first_size), connect(self.port) as sock:
                sock.sendall(fetch_request_of_size("b0", first_size) +
                             status_request(self.marks["expired"]) +
                             fetch_request_of_size("b1", 5000) +
                             status_request(self.marks["active"], padding=4100) +
                             fetch_request("b2"))
                reader = ResponseReader(sock)
                self.assert_fetch_response(reader.read(), "b0")
                self.assert_status_response(reader.read(), "expired")
                self.assert_fetch_response(reader.read(), "b1")
                self.assert_status_response(reader.read(), "active")
                self.assert_fetch_response(reader.read(), "b2")

    def test_http10_keep_alive_pipeline(self):
        keep_alive = b"Connection: keep-alive\r\n"
        with connect(self.port) as sock:
            sock.sendall(
                fetch_request("k1", extra=keep_alive).replace(b"HTTP/1.1", b"HTTP/1.0") +
                fetch_request("k2", method=b"HEAD", extra=keep_alive).replace(b"HTTP/1.1",
                                                                               b"HTTP/1.0") +
                fetch_request("k3").replace(b"HTTP/1.1", b"HTTP/1.0") +
                fetch_request("k4").replace(b"HTTP/1.1", b"HTTP/1.0"))
            reader = ResponseReader(sock)
            first = reader.read()
            self.assert_fetch_response(first, "k1")
            self.assertEqual(first[1].get("connection"), "keep-alive")
            head = reader.read(head_only=True)
            self.assertEqual(head[0], 404)
            self.assertEqual(head[1].get("connection"), "keep-alive")
            third = reader.read()
            self.assert_fetch_response(third, "k3")
            self.assertEqual(third[1].get("connection"), "close")
            # k4 follows a request without keep-alive, so the server sends no response to it.
            self.assertTrue(reader.closed())

    def test_concurrent_connections_get_own_responses(self):
        failures = []
        lock = threading.Lock()

        def client(number):
            try:
                with connect(self.port) as sock:
                    reader = ResponseReader(sock)
                    for round_number in range(8):
                        name = STATUS_MARKS[(number + round_number) % len(STATUS_MARKS)]
                        tokens = [f"c{number}-{round_number}-{i}" for i in range(number % 3 + 1)]
                        sock.sendall(status_request(self.marks[name]) +
                                     b"".join(fetch_request(token) for token in tokens))
                        self.assertEqual(status_mark(reader.read()[2]), self.marks[name])
                        for token in tokens:
                            self.assertEqual(echoed_sub(reader.read()[2]), f"https://{token}.test")
            except (AssertionError, OSError, ValueError) as error:
                with lock:
                    failures.append(f"client {number}: {error!r}")

        threads = [threading.Thread(target=client, args=(number,)) for number in range(150)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(failures, [])


class PipelineOneThreadTest(PipelineCase, unittest.TestCase):
    extra_config = "server_threads = 1"


class PipelineTwoThreadsTest(PipelineCase, unittest.TestCase):
    extra_config = "server_threads = 2"


class OwnServerCase(unittest.TestCase):
    """A server started for each test, because the test stops or starves it."""

    extra_config = ""

    def setUp(self):
        self.workspace = Workspace(extra_config=self.extra_config)
        self.workspace.seed()
        self.server = Server(self.workspace)

    def tearDown(self):
        self.server.stop()
        self.workspace.remove()


class ShutdownSlowReaderTest(OwnServerCase):
    """SIGTERM while a pipelining client reads its responses slower than they are written."""

    extra_config = "shutdown_timeout = 5"

    def test_sigterm_keeps_written_responses(self):
        # Far more responses than the socket buffers hold, so the server is
        # still writing, with requests left unread, when the stop begins.
        requests = ENTITY_CONFIGURATION * 20000
        sock = connect(self.workspace.port)
        sock.setblocking(False)
        sent = 0
        deadline = time.monotonic() + 5
        while sent < len(requests) and time.monotonic() < deadline:
            try:
                sent += sock.send(requests[sent:sent + 65536])
            except BlockingIOError:
                time.sleep(0.01)
        time.sleep(0.5)

        self.server.signal(signal.SIGTERM)
        time.sleep(0.5)
        sock.setblocking(True)
        sock.settimeout(10)
        reader = ResponseReader(sock)
        answered = 0
        last_headers = {}
        try:
            while last_headers.get("connection") != "close":
                status, last_headers, _ = reader.read()
                self.assertEqual(status, 200)
                answered += 1
        except OSError as error:
            self.fail(f"{error!r} after {answered} responses, before one with Connection: close")
        finally:
            sock.close()

        # Every response the server wrote, as its access log counts them, reached the client.
        self.assertEqual(self.server.process.wait(timeout=20), 0)
        log = self.server.log_text()
        logged = log.count("request method=GET path=/.well-known/openid-federation status=200")
        self.assertEqual(answered, logged)


class DescriptorExhaustionTest(OwnServerCase):
    """Connections beyond the process's descriptor limit."""

    def cpu_ticks(self):
        """Return the server's user plus system time in clock ticks."""
        with open(f"/proc/{self.server.process.pid}/stat", encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def test_accept_failures_do_not_spin(self):
        pid = self.server.process.pid
        in_use = len(os.listdir(f"/proc/{pid}/fd"))
        resource.prlimit(pid, resource.RLIMIT_NOFILE, (in_use + 16, in_use + 16))
        clients = [connect(self.workspace.port) for _ in range(60)]
        time.sleep(1)

        before = self.cpu_ticks()
        time.sleep(2)
        spent = self.cpu_ticks() - before
        log = self.server.log_text()

        # The server has no request to work on, so it should be nearly idle.
        # 50 ticks are 0.5 s of CPU time in the 2 s measured (USER_HZ is 100).
        self.assertLess(spent, 50)
        self.assertLess(log.count("accept failed"), 100)
        self.assertIsNone(self.server.process.poll(), log[-3000:])
        for client in clients:
            client.close()
        time.sleep(0.5)
        # Once descriptors are free again, new connections are served.
        with connect(self.workspace.port) as sock:
            sock.sendall(fetch_request("after", close=True))
            status, _, body = ResponseReader(sock).read()
        self.assertEqual(status, 404, body)
        self.assertEqual(echoed_sub(body), "https://after.test")


if __name__ == "__main__":
    unittest.main()
