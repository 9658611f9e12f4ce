"""Black-box tests of every federation server route, error path and limit.

The same suite runs against the embedded store and against Redis
(INMOR_TEST_REDIS_URL, database 11 of it, flushed first).
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import time
import unittest

from harness import (CERTIFIED, DOMAIN, MEMBER, Server, Workspace, jwt_claims, jwt_header, quote,
                     redis_cli, redis_url_with_db)

REDIS_URL = os.environ.get("INMOR_TEST_REDIS_URL", "")
REDIS_DB = 11


class FederationEndpoints:
    """Tests shared by both stores; subclasses set `redis_uri`."""

    redis_uri = None

    @classmethod
    def setUpClass(cls):
        if cls.redis_uri:
            redis_cli(cls.redis_uri, "FLUSHDB")
        cls.workspace = Workspace(redis_uri=cls.redis_uri)
        cls.seeded = cls.workspace.seed()
        cls.marks = cls.seeded["marks"]
        cls.server = Server(cls.workspace)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.workspace.remove()
        assert code == 0, f"server exited with {code}"

    def assert_error(self, response, status, error, description_part=None):
        code, headers, body = response
        self.assertEqual(code, status, body)
        self.assertEqual(headers["Content-Type"], "application/json")
        parsed = json.loads(body)
        self.assertEqual(parsed["error"], error)
        self.assertIn("error_description", parsed)
        if description_part:
            self.assertIn(description_part, parsed["error_description"])

    # --- / and the entity configuration

    def test_index_names_organization_escaped(self):
        status, headers, body = self.server.get("/")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "text/html; charset=utf-8")
        self.assertIn(b"Test &lt;Federation&gt; &amp; Co", body)
        self.assertNotIn(b"<Federation>", body)
        self.assertIn(b"Subordinates: 4", body)
        self.assertIn(b"Public keys: 1", body)

    def test_entity_configuration_served_as_stored(self):
        status, headers, body = self.server.get("/.well-known/openid-federation")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/entity-statement+jwt")
        self.assertEqual(body.decode(), self.seeded["entity_configuration"])
        self.assertRegex(headers["Cache-Control"], r"^public, max-age=(3[0-5]\d\d|3600)$")

    def test_head_returns_headers_only(self):
        status, headers, body = self.server.request("HEAD", "/.well-known/openid-federation")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")
        self.assertEqual(int(headers["Content-Length"]),
                         len(self.seeded["entity_configuration"]))

    def test_wrong_method_is_405_with_allow(self):
        response = self.server.request("POST", "/.well-known/openid-federation", body="x")
        self.assert_error(response, 405, "invalid_request")
        self.assertEqual(response[1]["Allow"], "GET, HEAD")

    def test_unknown_path_is_404_json(self):
        self.assert_error(self.server.get("/nothing-here"), 404, "not_found")

    # --- /fetch

    def test_fetch_returns_statement(self):
        status, headers, body = self.server.get("/fetch?sub=" + quote("https://rp1.test"))
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/entity-statement+jwt")
        self.assertEqual(body.decode(), self.seeded["statements"]["https://rp1.test"])

    def test_fetch_accepts_raw_url_and_ignores_iss(self):
        status, _, body = self.server.get(f"/fetch?iss={DOMAIN}&sub=https://rp2.test/path")
        self.assertEqual(status, 200)
        self.assertEqual(jwt_claims(body.decode())["sub"], "https://rp2.test/path")

    def test_fetch_statement_with_float_exp_gets_cache_control(self):
        status, headers, _ = self.server.get("/fetch?sub=https://rp2.test/path")
        self.assertEqual(status, 200)
        self.assertRegex(headers["Cache-Control"], r"^public, max-age=\d+$")

    def test_fetch_missing_sub(self):
        self.assert_error(self.server.get("/fetch"), 400, "invalid_request", "sub")

    def test_fetch_empty_sub(self):
        self.assert_error(self.server.get("/fetch?sub="), 400, "invalid_request", "sub")

    def test_fetch_oversized_sub(self):
        self.assert_error(self.server.get("/fetch?sub=https://a.test/" + "x" * 2100), 400,
                          "invalid_request", "sub")

    def test_fetch_control_character_sub(self):
        self.assert_error(self.server.get("/fetch?sub=https://a.test/%0a"), 400,
                          "invalid_request", "sub")

    def test_fetch_own_id_is_invalid_request(self):
        self.assert_error(self.server.get("/fetch?sub=" + quote(DOMAIN)), 400, "invalid_request")

    def test_fetch_unknown_is_not_found(self):
        self.assert_error(self.server.get("/fetch?sub=https://unknown.test"), 404, "not_found")

    # --- /list

    def list_of(self, query=""):
        status, headers, body = self.server.get_json("/list" + query)
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        return body

    def test_list_all(self):
        self.assertEqual(self.list_of(), ["https://ia1.test", "https://op1.test",
                                          "https://rp1.test", "https://rp2.test/path"])

    def test_list_entity_type_repeatable_union(self):
        self.assertEqual(self.list_of("?entity_type=openid_provider"), ["https://op1.test"])
        self.assertEqual(
            self.list_of("?entity_type=openid_provider&entity_type=openid_relying_party"),
            ["https://op1.test", "https://rp1.test", "https://rp2.test/path"])

    def test_list_unknown_entity_type_is_empty(self):
        self.assertEqual(self.list_of("?entity_type=no_such_type"), [])

    def test_list_intermediate(self):
        self.assertEqual(self.list_of("?intermediate=true"), ["https://ia1.test"])
        self.assertNotIn("https://ia1.test", self.list_of("?intermediate=false"))

    def test_list_trust_mark_type_only_active(self):
        # op1's member mark is revoked and rp2's expired: only rp1 and ia1 hold one.
        self.assertEqual(self.list_of("?trust_mark_type=" + quote(MEMBER)),
                         ["https://ia1.test", "https://rp1.test"])

    def test_list_trust_marked(self):
        listed = self.list_of("?trust_marked=true")
        self.assertIn("https://op1.test", listed)  # has an active certified mark
        self.assertIn("https://rp1.test", listed)

    def test_list_bad_boolean(self):
        self.assert_error(self.server.get("/list?trust_marked=yes"), 400, "invalid_request",
                          "trust_marked")
        self.assert_error(self.server.get("/list?intermediate=1"), 400, "invalid_request",
                          "intermediate")

    def test_list_ignores_unknown_parameters(self):
        self.assertEqual(len(self.list_of("?colour=blue")), 4)

    # --- /trust_mark and /trust_mark_list

    def test_trust_mark_active(self):
        status, headers, body = self.server.get(
            f"/trust_mark?trust_mark_type={quote(MEMBER)}&sub={quote('https://rp1.test')}")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/trust-mark+jwt")
        self.assertEqual(body.decode(), self.marks["active"])

    def test_trust_mark_revoked_is_absent(self):
        self.assert_error(self.server.get(
            f"/trust_mark?trust_mark_type={quote(MEMBER)}&sub={quote('https://op1.test')}"),
            404, "not_found")

    def test_trust_mark_expired_is_absent(self):
        self.assert_error(self.server.get(
            f"/trust_mark?trust_mark_type={quote(MEMBER)}&sub={quote('https://rp2.test/path')}"),
            404, "not_found")

    def test_trust_mark_missing_parameters(self):
        self.assert_error(self.server.get("/trust_mark?sub=https://rp1.test"), 400,
                          "invalid_request", "trust_mark_type")
        self.assert_error(self.server.get(f"/trust_mark?trust_mark_type={quote(MEMBER)}"), 400,
                          "invalid_request", "sub")

    def test_trust_mark_list(self):
        status, _, body = self.server.get_json(f"/trust_mark_list?trust_mark_type={quote(MEMBER)}")
        self.assertEqual(status, 200)
        self.assertEqual(body, ["https://ia1.test", "https://rp1.test"])

    def test_trust_mark_list_with_sub(self):
        _, _, held = self.server.get_json(
            f"/trust_mark_list?trust_mark_type={quote(MEMBER)}&sub={quote('https://rp1.test')}")
        self.assertEqual(held, ["https://rp1.test"])
        _, _, revoked = self.server.get_json(
            f"/trust_mark_list?trust_mark_type={quote(MEMBER)}&sub={quote('https://op1.test')}")
        self.assertEqual(revoked, [])

    def test_trust_mark_list_requires_type(self):
        self.assert_error(self.server.get("/trust_mark_list"), 400, "invalid_request",
                          "trust_mark_type")

    # --- /trust_mark_status

    def status_of(self, mark):
        status, headers, body = self.server.post_form("/trust_mark_status", {"trust_mark": mark})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "application/trust-mark-status-response+jwt")
        token = body.decode()
        header = jwt_header(token)
        self.assertEqual(header["typ"], "trust-mark-status-response+jwt")
        claims = jwt_claims(token)
        self.assertEqual(claims["iss"], DOMAIN)
        self.assertEqual(claims["trust_mark"], mark)
        self.assertIsInstance(claims["iat"], int)
        return claims["status"]

    def test_status_active_with_float_exp(self):
        self.assertIsInstance(jwt_claims(self.marks["active"])["exp"], float)
        self.assertEqual(self.status_of(self.marks["active"]), "active")

    def test_status_revoked(self):
        self.assertEqual(self.status_of(self.marks["revoked"]), "revoked")

    def test_status_replaced_mark_is_revoked(self):
        self.assertEqual(self.status_of(self.marks["replaced"]), "revoked")
        self.assertEqual(self.status_of(self.marks["replacement"]), "active")

    def test_status_expired(self):
        self.assertEqual(self.status_of(self.marks["expired"]), "expired")

    def test_status_foreign_signature_invalid(self):
        self.assertEqual(self.status_of(self.marks["foreign"]), "invalid")

    def test_status_cached_answer_is_identical(self):
        first = self.server.post_form("/trust_mark_status", {"trust_mark": self.marks["active"]})
        second = self.server.post_form("/trust_mark_status", {"trust_mark": self.marks["active"]})
        self.assertEqual(first[2], second[2])

    def test_status_never_issued_is_404(self):
        self.assert_error(self.server.post_form("/trust_mark_status",
                                                {"trust_mark": self.marks["never_issued"]}),
                          404, "not_found")

    def test_status_get_is_405(self):
        self.assert_error(self.server.get("/trust_mark_status?trust_mark=x.y.z"), 405,
                          "invalid_request")

    def test_status_wrong_content_type(self):
        self.assert_error(self.server.post_form("/trust_mark_status",
                                                {"trust_mark": self.marks["active"]},
                                                content_type="application/json"),
                          400, "invalid_request", "Content-Type")

    def test_status_missing_parameter(self):
        self.assert_error(self.server.post_form("/trust_mark_status", {"other": "1"}), 400,
                          "invalid_request", "trust_mark")

    def test_status_empty_parameter(self):
        self.assert_error(self.server.post_form("/trust_mark_status", {"trust_mark": ""}), 400,
                          "invalid_request", "trust_mark")

    def test_status_malformed_mark(self):
        for bad in ["abc", "a.b", "a..c", "a.b.c.d", "!!.??.**"]:
            with self.subTest(mark=bad):
                self.assert_error(self.server.post_form("/trust_mark_status",
                                                        {"trust_mark": bad}),
                                  400, "invalid_request", "trust_mark")

    def test_status_huge_body_is_413(self):
        body = "trust_mark=" + "a" * 200000
        status, _, _ = self.server.request(
            "POST", "/trust_mark_status", body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 413)

    # --- /historical_keys

    def test_historical_keys(self):
        status, headers, body = self.server.get("/historical_keys")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/jwk-set+jwt")
        self.assertEqual(body.decode(), self.seeded["historical_keys"])

    # --- /collection

    def collection(self, query=""):
        status, headers, body = self.server.get_json("/collection" + query)
        self.assertEqual(status, 200, body)
        self.assertEqual(headers["Content-Type"], "application/json")
        return body

    def test_collection_pages_cover_everything_once(self):
        seen, query = [], "?limit=2"
        for _ in range(10):
            page = self.collection(query)
            self.assertLessEqual(len(page["entities"]), 2)
            seen += [entity["entity_id"] for entity in page["entities"]]
            if "next" not in page:
                break
            query = "?limit=2&from=" + quote(page["next"])
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(len(seen), 5)
        self.assertEqual(len(set(seen)), 5)

    def test_collection_has_last_updated(self):
        self.assertIsInstance(self.collection()["last_updated"], int)

    def test_collection_unknown_cursor(self):
        self.assert_error(self.server.get("/collection?from=bm90LWEtY3Vyc29y"), 404,
                          "page_not_found")

    def test_collection_bad_limit(self):
        for bad in ["0", "-1", "ten"]:
            with self.subTest(limit=bad):
                self.assert_error(self.server.get("/collection?limit=" + bad), 400,
                                  "invalid_request", "limit")

    def test_collection_entity_type_or(self):
        ids = [e["entity_id"] for e in self.collection(
            "?entity_type=openid_provider&entity_type=openid_relying_party")["entities"]]
        self.assertEqual(ids, ["https://leaf.ia1.test", "https://op1.test", "https://rp1.test",
                               "https://rp2.test/path"])

    def test_collection_entity_type_narrows_ui_infos(self):
        entities = self.collection("?entity_type=openid_provider")["entities"]
        for entity in entities:
            self.assertLessEqual(set(entity["ui_infos"]),
                                 {"openid_provider", "federation_entity"})

    def test_collection_trust_mark_type_and(self):
        ids = [e["entity_id"] for e in self.collection(
            f"?trust_mark_type={quote(MEMBER)}&trust_mark_type={quote(CERTIFIED)}")["entities"]]
        self.assertEqual(ids, ["https://rp1.test"])

    def test_collection_query_matches_names(self):
        ids = [e["entity_id"] for e in self.collection("?query=SHOP")["entities"]]
        self.assertEqual(ids, ["https://rp1.test", "https://rp2.test/path"])

    def test_collection_entity_claims(self):
        entities = self.collection("?entity_claims=entity_types")["entities"]
        for entity in entities:
            self.assertEqual(set(entity), {"entity_id", "entity_types"})

    def test_collection_unsupported_claim(self):
        self.assert_error(self.server.get("/collection?entity_claims=favourite_colour"), 400,
                          "unsupported_claim")

    def test_collection_ui_claims(self):
        entities = self.collection("?ui_claims=logo_uri")["entities"]
        for entity in entities:
            self.assertNotIn("ui_infos", entity)

    def test_collection_other_trust_anchor(self):
        self.assert_error(self.server.get("/collection?trust_anchor=https://other.test"), 404,
                          "invalid_trust_anchor")
        self.assertEqual(len(self.collection("?trust_anchor=" + quote(DOMAIN))["entities"]), 5)

    # --- /health, /status, metrics

    def test_health(self):
        status, _, body = self.server.get_json("/health")
        self.assertEqual((status, body), (200, {"status": "ok"}))

    def test_status_shape(self):
        status, _, body = self.server.get_json("/status")
        self.assertEqual(status, 200)
        self.assertEqual(body["entity_id"], DOMAIN)
        self.assertEqual(body["status"], "ok")
        self.assertEqual(body["keys"], {"public_keys": 1, "historical_keys_available": True})
        self.assertEqual(body["subordinates"], {"direct": 4})
        self.assertEqual(sorted(body["trust_marks"]["types"]), sorted([MEMBER, CERTIFIED]))
        self.assertEqual(body["trust_marks"]["total_issued"], 7)
        collection = body["collection"]
        self.assertEqual(collection["total_entities"], 5)
        self.assertEqual(collection["openid_providers"], 2)
        self.assertEqual(collection["openid_relying_parties"], 2)
        self.assertEqual(collection["intermediates"], 1)
        self.assertIsInstance(collection["last_updated"], int)

    def test_metrics(self):
        self.server.get("/health")
        status, headers, body = self.server.request("GET", "/metrics",
                                                    port=self.workspace.metrics_port)
        self.assertEqual(status, 200)
        self.assertIn("text/plain", headers["Content-Type"])
        text = body.decode()
        self.assertIn('inmor_http_requests_total{route="/health",status="200"}', text)
        self.assertIn("inmor_http_request_duration_seconds_bucket", text)
        self.assertIn("inmor_cache_hits_total", text)
        self.assertIn("inmor_collection_age_seconds", text)
        self.assertIn("inmor_entity_configuration_expires_in_seconds", text)

    # --- HTTP behaviour

    def test_keep_alive_serves_many_requests_on_one_connection(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.workspace.port, timeout=10)
        for _ in range(5):
            connection.request("GET", "/health")
            response = connection.getresponse()
            self.assertEqual(response.status, 200)
            response.read()
        connection.close()

    def test_oversized_header_is_431(self):
        status, _, _ = self.server.get("/health", headers={"X-Filler": "a" * 40000})
        self.assertEqual(status, 431)

    def test_garbage_request_is_400(self):
        with socket.create_connection(("127.0.0.1", self.workspace.port), timeout=10) as sock:
            sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
            answer = sock.recv(4096)
        self.assertTrue(answer.startswith(b"HTTP/1.1 400"), answer)

    def test_access_log_line(self):
        self.server.get("/health")
        time.sleep(0.2)
        self.assertRegex(self.server.log_text(),
                         r"request method=GET path=/health status=200 bytes=15 "
                         r"duration_ms=[\d.]+ request_id=\d+ connection_id=\d+")


class EmbeddedStoreTest(FederationEndpoints, unittest.TestCase):
    redis_uri = None


@unittest.skipUnless(REDIS_URL, "INMOR_TEST_REDIS_URL is not set")
class RedisStoreTest(FederationEndpoints, unittest.TestCase):
    redis_uri = redis_url_with_db(REDIS_URL, REDIS_DB) if REDIS_URL else None


class ChangesTest(unittest.TestCase):
    """Announced changes show at once; the process reacts to signals."""

    def setUp(self):
        self.workspace = Workspace()
        self.workspace.seed()
        self.server = Server(self.workspace)

    def tearDown(self):
        self.server.stop()
        self.workspace.remove()

    def test_announced_change_served_at_once(self):
        self.server.get("/.well-known/openid-federation")
        republished = subprocess.run([os.environ["INMOR_SEED"], "republish",
                                      self.workspace.config_path], check=True,
                                     capture_output=True, text=True).stdout.strip()
        deadline = time.monotonic() + 0.9  # below cache_ttl: only the announcement explains it
        while time.monotonic() < deadline:
            _, _, body = self.server.get("/.well-known/openid-federation")
            if body.decode() == republished:
                return
            time.sleep(0.02)
        self.fail("republished entity configuration not served within 0.9 s")

    def test_sighup_reloads_configuration(self):
        self.workspace.write_config(organization_name="Renamed Federation")
        self.server.signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if b"Renamed Federation" in self.server.get("/")[2]:
                break
            time.sleep(0.1)
        else:
            self.fail("configuration not reloaded after SIGHUP")
        self.assertEqual(self.server.get("/health")[0], 200)

    def test_sighup_keeps_open_connection(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.workspace.port, timeout=10)
        connection.request("GET", "/health")
        connection.getresponse().read()
        self.server.signal(signal.SIGHUP)
        time.sleep(0.5)
        connection.request("GET", "/health")
        self.assertEqual(connection.getresponse().status, 200)
        connection.close()

    def test_sigterm_finishes_in_flight_and_exits_zero(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.workspace.port, timeout=10)
        connection.request("GET", "/health")  # the connection is accepted and kept alive
        connection.getresponse().read()
        connection.request("GET", "/list")
        self.server.signal(signal.SIGTERM)
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        self.assertEqual(self.server.process.wait(timeout=20), 0)


    def test_sigterm_closes_idle_connections_promptly(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.workspace.port, timeout=10)
        connection.request("GET", "/health")
        connection.getresponse().read()
        started = time.monotonic()
        self.server.signal(signal.SIGTERM)
        self.assertEqual(self.server.process.wait(timeout=20), 0)
        self.assertLess(time.monotonic() - started, 5)
        connection.close()


class LimitsTest(unittest.TestCase):
    """Rate limits per client address, X-Forwarded-For from trusted proxies."""

    def start(self, extra):
        self.workspace = Workspace(extra_config=extra)
        self.workspace.seed()
        self.server = Server(self.workspace)

    def tearDown(self):
        self.server.stop()
        self.workspace.remove()

    def test_collection_limit_gives_429_with_retry_after(self):
        self.start("[limits]\ncollection_per_minute = 2\n")
        self.assertEqual(self.server.get("/collection")[0], 200)
        self.assertEqual(self.server.get("/collection")[0], 200)
        status, headers, body = self.server.get("/collection")
        self.assertEqual(status, 429)
        self.assertGreaterEqual(int(headers["Retry-After"]), 1)
        self.assertEqual(json.loads(body)["error"], "temporarily_unavailable")
        self.assertEqual(self.server.get("/list")[0], 200)  # other routes are not limited

    def test_forwarded_for_counts_per_client_behind_trusted_proxy(self):
        self.start('[limits]\ntrust_mark_status_per_minute = 1\ntrusted_proxies = ["127.0.0.1/32"]\n')

        def post(client):
            return self.server.request("POST", "/trust_mark_status", body="trust_mark=a.b.c",
                                       headers={"Content-Type":
                                                "application/x-www-form-urlencoded",
                                                "X-Forwarded-For": client})[0]

        self.assertNotEqual(post("192.0.2.1"), 429)
        self.assertEqual(post("192.0.2.1"), 429)
        self.assertNotEqual(post("192.0.2.2"), 429)

    def test_forwarded_for_ignored_from_untrusted_peer(self):
        self.start("[limits]\ntrust_mark_status_per_minute = 1\n")

        def post(client):
            return self.server.request("POST", "/trust_mark_status", body="trust_mark=a.b.c",
                                       headers={"Content-Type":
                                                "application/x-www-form-urlencoded",
                                                "X-Forwarded-For": client})[0]

        self.assertNotEqual(post("192.0.2.1"), 429)
        self.assertEqual(post("192.0.2.2"), 429)


class TimeoutsTest(unittest.TestCase):
    """Slow and idle clients lose their connection."""

    def setUp(self):
        self.workspace = Workspace(extra_config="client_timeout = 1\nidle_timeout = 2\n")
        self.workspace.seed()
        self.server = Server(self.workspace)

    def tearDown(self):
        self.server.stop()
        self.workspace.remove()

    def closed_within(self, sock, seconds):
        sock.settimeout(seconds)
        try:
            return sock.recv(4096) == b""
        except socket.timeout:
            return False

    def test_slow_header_is_cut_off(self):
        with socket.create_connection(("127.0.0.1", self.workspace.port)) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")  # never finishes
            started = time.monotonic()
            self.assertTrue(self.closed_within(sock, 5))
            self.assertLess(time.monotonic() - started, 4)

    def test_slow_body_is_cut_off(self):
        with socket.create_connection(("127.0.0.1", self.workspace.port)) as sock:
            sock.sendall(b"POST /trust_mark_status HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 100\r\n\r\ntrust_mark")  # 90 bytes never come
            started = time.monotonic()
            self.assertTrue(self.closed_within(sock, 5))
            self.assertLess(time.monotonic() - started, 4)

    def test_busy_keep_alive_outlives_the_client_timeout(self):
        # Requests keep moving the deadline, so a connection in use stays open
        # past client_timeout and idle_timeout.
        with socket.create_connection(("127.0.0.1", self.workspace.port)) as sock:
            sock.settimeout(5)
            started = time.monotonic()
            while time.monotonic() - started < 3:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 200"))
                time.sleep(0.5)

    def test_idle_keep_alive_is_closed(self):
        with socket.create_connection(("127.0.0.1", self.workspace.port)) as sock:
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(5)
            self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 200"))
            started = time.monotonic()
            self.assertTrue(self.closed_within(sock, 6))
            self.assertGreater(time.monotonic() - started, 1.5)


class StartupTest(unittest.TestCase):
    """The process refuses to start with a message naming the problem."""

    def setUp(self):
        self.workspace = Workspace()

    def tearDown(self):
        self.workspace.remove()

    def run_inmor(self, *args):
        return subprocess.run([os.environ["INMOR_BIN"], "-c", self.workspace.config_path, *args],
                              capture_output=True, text=True, timeout=60)

    def test_missing_private_key(self):
        os.remove(os.path.join(self.workspace.dir, "private.json"))
        result = self.run_inmor()
        self.assertEqual(result.returncode, 1)
        self.assertIn("private_key", result.stderr)

    def test_bad_config_value_names_key(self):
        self.workspace.write_config("[fetch]\nmax_redirects = -1\n")
        result = self.run_inmor("--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertIn("fetch.max_redirects: must be a non-negative integer", result.stderr)

    def test_http_domain_needs_allow_http(self):
        with open(self.workspace.config_path, encoding="utf-8") as handle:
            text = handle.read().replace('domain = "https://ta.test"', 'domain = "http://ta.test"')
        with open(self.workspace.config_path, "w", encoding="utf-8") as handle:
            handle.write(text)
        result = self.run_inmor("--check-config")
        self.assertEqual(result.returncode, 1)
        self.assertIn("domain", result.stderr)

    def test_check_config_summary_and_group_readable_warning(self):
        os.chmod(os.path.join(self.workspace.dir, "private.json"), 0o644)
        result = self.run_inmor("--check-config")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("entity id:     https://ta.test", result.stdout)
        self.assertIn("readable by group or others", result.stdout)

    def test_version(self):
        result = subprocess.run([os.environ["INMOR_BIN"], "--version"], capture_output=True,
                                text=True, timeout=30)
        self.assertEqual(result.returncode, 0)
        self.assertRegex(result.stdout.strip(), r"^\d+\.\d+\.\d+$")

    def test_port_flag_overrides_listen(self):
        from harness import free_port
        port = free_port()
        server = subprocess.Popen([os.environ["INMOR_BIN"], "-c", self.workspace.config_path,
                                   "-p", str(port)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            from harness import wait_for_port
            wait_for_port(port, server)
        finally:
            server.send_signal(signal.SIGTERM)
            self.assertEqual(server.wait(timeout=20), 0)


class TlsTest(unittest.TestCase):
    """HTTPS with each private key encoding OpenSSL writes."""

    def setUp(self):
        self.workspace = Workspace()
        self.workspace.seed()

    def tearDown(self):
        self.workspace.remove()

    def serve_with(self, key_args, convert=None):
        import ssl
        key = os.path.join(self.workspace.dir, "tls.key")
        cert = os.path.join(self.workspace.dir, "tls.crt")
        subprocess.run(["openssl", *key_args, "-out", key], check=True, capture_output=True)
        if convert:
            subprocess.run(["openssl", *convert, "-in", key, "-out", key + ".2"], check=True,
                           capture_output=True)
            os.replace(key + ".2", key)
        subprocess.run(["openssl", "req", "-new", "-x509", "-key", key, "-out", cert, "-days",
                        "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
        self.workspace.write_config(f'tls_cert = "{cert}"\ntls_key = "{key}"\n')
        server = Server(self.workspace)
        try:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            connection = http.client.HTTPSConnection("127.0.0.1", self.workspace.port,
                                                     context=context, timeout=10)
            connection.request("GET", "/health")
            response = connection.getresponse()
            self.assertEqual(response.status, 200)
            self.assertEqual(json.loads(response.read()), {"status": "ok"})
            connection.close()
        finally:
            self.assertEqual(server.stop(), 0)
        with open(key, encoding="ascii") as handle:
            return handle.readline().strip()

    def test_pkcs8_key(self):
        first = self.serve_with(["genpkey", "-algorithm", "EC", "-pkeyopt",
                                 "ec_paramgen_curve:P-256"])
        self.assertEqual(first, "-----BEGIN PRIVATE KEY-----")

    def test_sec1_key(self):
        first = self.serve_with(["ecparam", "-name", "prime256v1", "-genkey", "-noout"])
        self.assertEqual(first, "-----BEGIN EC PRIVATE KEY-----")

    def test_pkcs1_key(self):
        first = self.serve_with(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
                               convert=["rsa", "-traditional"])
        self.assertEqual(first, "-----BEGIN RSA PRIVATE KEY-----")


if __name__ == "__main__":
    unittest.main()
