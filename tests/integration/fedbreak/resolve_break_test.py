"""/resolve of the real `inmor` under hostile federations on 127.0.0.1:
subordinates whose servers hang, odd `sub` and `trust_anchor` values,
concurrent identical and different requests, live discovery off.
"""

import json
import os
import signal
import socket
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resolve"))

from anchor import Anchor, quote  # noqa: E402
from federation import Federation, FederationServer  # noqa: E402

RP = "openid_relying_party"


def raw_get(port, target, timeout=60):
    """GET over a raw socket; returns (status, list of (name, value) headers, body)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(b"GET " + target.encode() + b" HTTP/1.1\r\nHost: x\r\n"
                     b"Connection: close\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [(n.strip().lower(), v.strip()) for n, _, v in
               (line.partition(":") for line in lines[1:])]
    return int(lines[0].split(" ")[1]), headers, body


class HangingFederation(unittest.TestCase):
    """A live-discovery anchor, server_threads = 2, a federation where some
    entity configurations never answer."""

    @classmethod
    def setUpClass(cls):
        cls.server = FederationServer()
        cls.fed = Federation(cls.server)
        cls.release = threading.Event()
        cls.anchor = Anchor(extra_config="server_threads = 2",
                            resolve_config="live_discovery = true")
        cls.anchor.start()
        cls.anchor.wait_for_configuration(cls.anchor.publish_configuration())
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.release.set()
        cls.anchor.stop()
        log = cls.anchor.log_text()
        cls.anchor.remove()
        cls.server.stop()
        assert "AddressSanitizer" not in log and "runtime error:" not in log, log

    def hanging_leaf(self):
        type(self).counter += 1
        name = f"hang{self.counter}"
        entity = self.fed.add(name)

        def hang(_body):
            self.release.wait(40)
            return (500, "application/json", "{}")
        self.server.set_handler(self.fed.configuration_route(name), hang)
        return entity

    def test_hanging_subject_is_answered_within_the_budget(self):
        entity = self.hanging_leaf()
        started = time.monotonic()
        status, headers, body = raw_get(self.anchor.port, "/resolve?sub=" +
                                        quote(entity.entity_id) + "&trust_anchor=" +
                                        quote(self.anchor.entity_id))
        elapsed = time.monotonic() - started
        # fetch.total_timeout is 5 s in the anchor's configuration.
        self.assertLess(elapsed, 12, elapsed)
        self.assertIn(status, (400, 503), body)
        self.assertEqual(dict(headers)["content-type"], "application/json")
        json.loads(body)
        if status == 503:
            retry_after = [v for n, v in headers if n == "retry-after"]
            self.assertEqual(len(retry_after), 1, headers)


class ShutdownDuringPrecompute(unittest.TestCase):
    """SIGTERM while the precompute pass waits on subordinates whose servers
    hang: the server stops after at most one fetch timeout, not a whole pass."""

    def test_sigterm_does_not_wait_for_the_whole_pass(self):
        server = FederationServer()
        release = threading.Event()
        fed = Federation(server)
        anchor = Anchor(resolve_config="live_discovery = false")
        try:
            anchor.start()
            anchor.wait_for_configuration(anchor.publish_configuration())

            def hang(_body):
                release.wait(60)
                return (500, "application/json", "{}")
            for index in range(8):
                entity = fed.add(f"slow{index}")
                server.set_handler(fed.configuration_route(f"slow{index}"), hang)
                anchor.publish_subordinate(entity)
            # Let the precompute pass start on the hanging subordinates.
            deadline = time.monotonic() + 10
            while server.total_hits() == 0 and time.monotonic() < deadline:
                time.sleep(0.1)
            self.assertGreater(server.total_hits(), 0, anchor.log_text()[-3000:])
            started = time.monotonic()
            anchor.process.send_signal(signal.SIGTERM)
            code = anchor.process.wait(timeout=60)
            elapsed = time.monotonic() - started
            # fetch.total_timeout is 5 s; eight subordinates in one pass take 40 s.
            self.assertLess(elapsed, 12, anchor.log_text()[-3000:])
            self.assertEqual(code, 0)
        finally:
            release.set()
            anchor.stop()
            log = anchor.log_text()
            anchor.remove()
            server.stop()
        self.assertNotIn("AddressSanitizer", log)


class OddSubjects(unittest.TestCase):
    """live_discovery off: odd subjects never cause a fetch and get clean errors."""

    @classmethod
    def setUpClass(cls):
        cls.server = FederationServer()
        cls.fed = Federation(cls.server)
        cls.anchor = Anchor(resolve_config="live_discovery = false")
        cls.anchor.start()
        cls.anchor.wait_for_configuration(cls.anchor.publish_configuration())

    @classmethod
    def tearDownClass(cls):
        cls.anchor.stop()
        log = cls.anchor.log_text()
        cls.anchor.remove()
        cls.server.stop()
        assert "AddressSanitizer" not in log and "runtime error:" not in log, log

    def test_odd_subjects_get_clean_errors_without_fetch(self):
        base = self.server.base_url
        subjects = [base + "/unknown", base + "/x#frag", base + "/x?q=1", base + "/\u00e4",
                    base + "/" + "a" * 5000, base + "/", "http://127.0.0.1:1",
                    self.anchor.entity_id + "/", self.anchor.entity_id + "#x",
                    "https://other.test", "urn:x", "", " " + base]
        for sub in subjects:
            with self.subTest(sub=sub[:50]):
                status, headers, body = raw_get(
                    self.anchor.port, "/resolve?sub=" + quote(sub) + "&trust_anchor=" +
                    quote(self.anchor.entity_id))
                self.assertIn(status, (400, 404), body)
                self.assertEqual(dict(headers)["content-type"], "application/json")
                parsed = json.loads(body.decode("utf-8"))
                self.assertIn(parsed["error"], ("invalid_request", "invalid_subject",
                                                "invalid_trust_chain"))
        self.assertEqual(self.server.total_hits(), 0)

    def test_anchor_itself_resolves(self):
        status, headers, body = raw_get(self.anchor.port, "/resolve?sub=" +
                                        quote(self.anchor.entity_id) + "&trust_anchor=" +
                                        quote(self.anchor.entity_id))
        self.assertEqual(status, 200, body)
        self.assertEqual(dict(headers)["content-type"], "application/resolve-response+jwt")

    def test_odd_trust_anchor_values(self):
        for anchors in [["https://other.test"], ["", self.anchor.entity_id],
                        ["%zz"], ["x" * 9000], [self.anchor.entity_id + "/"]]:
            with self.subTest(anchors=[a[:30] for a in anchors]):
                target = "/resolve?sub=" + quote(self.anchor.entity_id) + "".join(
                    "&trust_anchor=" + quote(a) for a in anchors)
                status, headers, body = raw_get(self.anchor.port, target)
                self.assertIn(status, (400, 404), body)
                parsed = json.loads(body.decode("utf-8"))
                self.assertIn(parsed["error"], ("invalid_request", "invalid_trust_anchor"))

    def test_concurrent_different_unknown_subjects(self):
        results = []

        def worker(index):
            status, _, _ = raw_get(self.anchor.port, "/resolve?sub=" +
                                   quote(f"{self.server.base_url}/c{index}") +
                                   "&trust_anchor=" + quote(self.anchor.entity_id))
            results.append(status)
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(40)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(sorted(set(results)), [404])
        self.assertEqual(self.server.total_hits(), 0)


if __name__ == "__main__":
    unittest.main()
