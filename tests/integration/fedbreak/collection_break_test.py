"""inmor-collection against hostile federations on 127.0.0.1: huge and
non-JSON lists, redirect loops, slow servers, entity ids pointing
elsewhere, and walks killed halfway. A failed walk leaves the previous
collection data serving, unchanged.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resolve"))

from anchor import Anchor, quote  # noqa: E402
from federation import Federation, FederationServer  # noqa: E402

class RedirectLoop:
    """A loopback server whose every answer redirects to itself."""

    def __init__(self):
        loop = self
        self.hits = 0

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                loop.hits += 1
                self.send_response(302)
                self.send_header("Location", loop.url)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/list"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


COLLECTION_BIN = os.environ.get("INMOR_COLLECTION_BIN", "inmor-collection")
RP = "openid_relying_party"


class HostileCollection(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.server = FederationServer()
        cls.fed = Federation(cls.server)
        cls.release = threading.Event()
        cls.anchor = Anchor()
        cls.anchor.start()
        cls.anchor.wait_for_configuration(cls.anchor.publish_configuration())
        cls.ta = cls.fed.add("ta")
        cls.list_route = "/ta/list"
        extra = {"metadata": {"federation_entity": {
            "federation_fetch_endpoint": cls.ta.entity_id + "/fetch",
            "federation_list_endpoint": cls.ta.entity_id + "/list",
            "organization_name": "walked anchor"}}}
        cls.fed.publish_configuration("ta", [], extra)
        cls.leaves = []
        for index in range(3):
            name = f"leaf{index}"
            cls.fed.add(name)
            cls.fed.publish_configuration(name, [cls.ta.entity_id], {"metadata": {RP: {
                "client_name": f"leaf {index}"}}})
            cls.fed.publish_subordinate("ta", name)
            cls.leaves.append(cls.fed[name].entity_id)
        cls.good_list()
        result = cls.walk()
        assert result.returncode == 0, result.stdout + result.stderr
        cls.baseline = cls.collection(sorted(cls.leaves))

    @classmethod
    def tearDownClass(cls):
        cls.release.set()
        cls.anchor.stop()
        cls.anchor.remove()
        cls.server.stop()

    @classmethod
    def good_list(cls):
        cls.server.set(cls.list_route, 200, "application/json", json.dumps(cls.leaves))

    @classmethod
    def walk(cls, *extra, timeout=120):
        return subprocess.run([COLLECTION_BIN, "-c", cls.anchor.config_path, *extra,
                               cls.ta.entity_id], capture_output=True, text=True,
                              timeout=timeout)

    @classmethod
    def collection(cls, expected=None, timeout=5):
        """The entity ids /collection serves, once they equal `expected` or
        after `timeout` seconds (a swap reaches inmor within cache_ttl)."""
        deadline = time.monotonic() + timeout
        while True:
            status, _, body = cls.anchor.request(
                "GET", "/collection?trust_anchor=" + quote(cls.ta.entity_id))
            ids = None
            if status == 200:
                ids = sorted(entity["entity_id"] for entity in json.loads(body)["entities"])
            if (ids is not None and (expected is None or ids == expected)) or \
                    time.monotonic() > deadline:
                assert status == 200, body
                return ids
            time.sleep(0.1)

    def tearDown(self):
        self.good_list()

    def assert_failed_and_previous_kept(self, result):
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertNotIn("AddressSanitizer", result.stderr)
        self.assertNotIn("runtime error:", result.stderr)
        self.assertEqual(self.collection(), self.baseline)

    def test_baseline_has_the_leaves(self):
        self.assertEqual(self.baseline, sorted(self.leaves))

    def test_non_json_list(self):
        self.server.set(self.list_route, 200, "application/json", "<html>not json")
        self.assert_failed_and_previous_kept(self.walk())

    def test_list_of_non_strings(self):
        self.server.set(self.list_route, 200, "application/json", '[1, {"a": 2}, null]')
        result = self.walk()
        # Junk entries are errors; either the walk fails or it publishes an
        # empty collection, but it never crashes.
        self.assertIn(result.returncode, (0, 1), result.stderr)
        self.assertNotIn("AddressSanitizer", result.stderr)

    def test_huge_list_is_refused(self):
        huge = json.dumps([f"{self.server.base_url}/x{i}" for i in range(400000)])
        self.server.set(self.list_route, 200, "application/json", huge)
        started = time.monotonic()
        result = self.walk("--time-budget", "60", timeout=120)
        self.assertLess(time.monotonic() - started, 60)
        self.assertNotIn("AddressSanitizer", result.stderr)
        # Either refused as too large (previous data kept) or bounded.
        if result.returncode == 1:
            self.assertEqual(self.collection(), self.baseline)

    def test_redirect_without_location(self):
        self.server.set(self.list_route, 302, "text/plain", "")
        self.assert_failed_and_previous_kept(self.walk())

    def test_redirect_loop(self):
        looping = RedirectLoop()
        try:
            self.server.set(self.list_route, 302, "text/plain", "")
            # The anchor's configuration names a list endpoint that redirects
            # to itself forever.
            extra = {"metadata": {"federation_entity": {
                "federation_fetch_endpoint": self.ta.entity_id + "/fetch",
                "federation_list_endpoint": looping.url,
                "organization_name": "walked anchor"}}}
            self.fed.publish_configuration("ta", [], extra)
            started = time.monotonic()
            result = self.walk()
            self.assert_failed_and_previous_kept(result)
            self.assertLess(time.monotonic() - started, 20)
            self.assertLessEqual(looping.hits, 20)
        finally:
            looping.stop()
            self.fed.publish_configuration("ta", [], {"metadata": {"federation_entity": {
                "federation_fetch_endpoint": self.ta.entity_id + "/fetch",
                "federation_list_endpoint": self.ta.entity_id + "/list",
                "organization_name": "walked anchor"}}})

    def test_slow_list_hits_the_time_budget(self):
        def slow(_body):
            self.release.wait(30)
            return (200, "application/json", "[]")
        self.server.set_handler(self.list_route, slow)
        started = time.monotonic()
        result = self.walk("--time-budget", "2", timeout=60)
        elapsed = time.monotonic() - started
        self.assert_failed_and_previous_kept(result)
        # fetch.total_timeout of the anchor's configuration is 5 s.
        self.assertLess(elapsed, 12)

    def test_entity_ids_pointing_elsewhere(self):
        elsewhere = [self.leaves[0], "http://127.0.0.1:1/nobody", self.anchor.entity_id,
                     self.ta.entity_id, self.leaves[0] + "#frag", "https://other.test"]
        self.server.set(self.list_route, 200, "application/json", json.dumps(elsewhere))
        result = self.walk()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.collection([self.leaves[0]]), [self.leaves[0]])
        self.good_list()
        self.assertEqual(self.walk().returncode, 0)
        self.assertEqual(self.collection(self.baseline), self.baseline)

    def interrupted_walk(self, number):
        def slow(_body):
            self.release.wait(20)
            return (200, "application/json", "[]")
        # The list answers at once, the leaves' configurations hang: the walk
        # is halfway when it is interrupted.
        for leaf in ("leaf1", "leaf2"):
            self.server.set_handler(self.fed.configuration_route(leaf), slow)
        try:
            process = subprocess.Popen([COLLECTION_BIN, "-c", self.anchor.config_path,
                                        self.ta.entity_id], stdout=subprocess.PIPE,
                                       stderr=subprocess.PIPE, text=True)
            time.sleep(1.5)
            process.send_signal(number)
            _, stderr = process.communicate(timeout=30)
            self.assertNotEqual(process.returncode, 0)
            self.assertNotIn("AddressSanitizer", stderr)
            self.assertEqual(self.collection(), self.baseline)
        finally:
            for leaf in ("leaf1", "leaf2"):
                self.fed.publish_configuration(leaf, [self.ta.entity_id], {"metadata": {RP: {
                    "client_name": leaf}}})
        # The next walk is not hindered by what the killed one left behind.
        result = self.walk()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.collection(self.baseline), self.baseline)

    def test_sigkill_mid_walk(self):
        self.interrupted_walk(signal.SIGKILL)

    def test_sigint_mid_walk(self):
        self.interrupted_walk(signal.SIGINT)


if __name__ == "__main__":
    unittest.main()
