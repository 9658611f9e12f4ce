"""Hostile input to the real `inmor-admin serve` on loopback: malformed and
oversized bodies, numbers out of range, duplicate races, authentication
tricks, many and slow connections, SIGTERM under load. No request may get a
500, crash the admin, hang, or pass without authentication.
"""

import concurrent.futures
import json
import signal
import socket
import time
import unittest

from harness import ADMIN_PASSWORD, Deployment, SubordinateHost, request

INT64_MAX = 9223372036854775807


class AdminBreakTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deployment = Deployment("inmor-admin-break-")
        cls.host = SubordinateHost(cls.deployment.domain)
        cls.deployment.start_admin()
        cls.deployment.start_inmor()
        cls.next_entity = 0

    @classmethod
    def tearDownClass(cls):
        cls.host.close()
        cls.deployment.close()

    def tearDown(self):
        # Every test leaves the admin alive and its log free of sanitizer reports.
        admin = self.deployment.admin
        if admin is not None:
            self.assertIsNone(admin.poll(), "the admin died")
        self.assertEqual(self.deployment.sanitizer_reports(), [])

    def api(self, *arguments, **options):
        return self.deployment.api(*arguments, **options)

    def entity(self):
        AdminBreakTest.next_entity += 1
        return self.host.add(f"b{AdminBreakTest.next_entity}")

    def assert_client_error(self, reply, field=None):
        self.assertGreaterEqual(reply.status, 400, reply.body)
        self.assertLess(reply.status, 500, reply.body)
        message = json.loads(reply.body)["message"]
        if field:
            self.assertIn(field, message)

    # Malformed bodies.

    def test_malformed_bodies_get_400(self):
        bodies = ["{", "[]", "null", "1", '"x"', '{"tmtype": "a", "tmtype": "b"}',
                  '{"tmtype": "https://tm.test/x"} trailing', "\ufeff{}",
                  b'{"tmtype": "\xff\xfe"}', '{"tmtype": "https://tm.test/\\ud800"}']
        for body in bodies:
            with self.subTest(body=body):
                self.assert_client_error(self.api("POST", "/trustmarktypes", body))

    def test_wrong_types_name_the_field(self):
        cases = [
            ("tmtype", {"tmtype": 5}),
            ("valid_for", {"tmtype": "https://tm.test/wt1", "valid_for": "10"}),
            ("valid_for", {"tmtype": "https://tm.test/wt2", "valid_for": 1.5}),
            ("valid_for", {"tmtype": "https://tm.test/wt3", "valid_for": 1e300}),
            ("valid_for", {"tmtype": "https://tm.test/wt4", "valid_for": 2 ** 64}),
            ("autorenew", {"tmtype": "https://tm.test/wt5", "autorenew": "yes"}),
            ("active", {"tmtype": "https://tm.test/wt6", "active": 1}),
        ]
        for field, body in cases:
            with self.subTest(field=field, body=body):
                self.assert_client_error(self.api("POST", "/trustmarktypes", body), field)

    def test_deep_nesting_is_refused(self):
        for depth in (1000, 100000):
            body = '{"additional_claims": ' + "[" * depth + "]" * depth + "}"
            with self.subTest(depth=depth):
                self.assert_client_error(self.api("POST", "/trustmarks", body))
        objects = '{"a":' * 50000 + "1" + "}" * 50000
        self.assert_client_error(self.api("POST", "/subordinates", objects))

    def test_huge_body_is_refused(self):
        body = json.dumps({"tmtype": "https://tm.test/" + "x" * (32 * 1024 * 1024)})
        try:
            reply = self.api("POST", "/trustmarktypes", body)
        except (ConnectionResetError, BrokenPipeError):
            return      # refused before the whole body was read: acceptable
        self.assertEqual(reply.status, 413, reply.body[:300])

    def test_unicode_and_control_characters(self):
        fine = self.api("POST", "/trustmarktypes", {"tmtype": "https://tm.test/ünï/😀"})
        self.assertEqual(fine.status, 201, fine.body)
        for bad in ("https://tm.test/a b", "https://tm.test/\u0000", "https://tm.test/\n",
                    "", "x" * 2049):
            with self.subTest(tmtype=bad[:40]):
                self.assert_client_error(self.api("POST", "/trustmarktypes", {"tmtype": bad}),
                                         "tmtype")

    # Numbers.

    def test_ids_out_of_range_are_404(self):
        for path in ("/trustmarktypes/0", "/trustmarktypes/-1",
                     f"/trustmarktypes/{INT64_MAX}", f"/trustmarktypes/{INT64_MAX + 1}",
                     "/trustmarktypes/99999999999999999999999999", "/trustmarktypes/1e3",
                     "/subordinates/+1", "/subordinates/%201"):
            with self.subTest(path=path):
                reply = self.api("GET", path)
                self.assertEqual(reply.status, 404, reply.body)
        for path in (f"/trustmarks/{INT64_MAX}/renew", f"/subordinates/{INT64_MAX}/renew"):
            with self.subTest(path=path):
                self.assertEqual(self.api("POST", path).status, 404)
        reply = self.api("PUT", f"/trustmarks/{INT64_MAX}", {"active": False})
        self.assertEqual(reply.status, 404, reply.body)

    def test_paging_out_of_range(self):
        for query in ("limit=-1", "offset=-1", f"limit={INT64_MAX}", f"offset={INT64_MAX}",
                      "limit=99999999999999999999", "limit=abc", "limit=", "limit=1&limit=2"):
            with self.subTest(query=query):
                reply = self.api("GET", f"/trustmarktypes?{query}")
                self.assertLess(reply.status, 500, reply.body)

    def test_trust_mark_type_lifetime_has_a_limit(self):
        # A lifetime in hours this large overflows `now + hours * 3600`.
        created = self.api("POST", "/trustmarktypes",
                           {"tmtype": "https://tm.test/forever", "valid_for": INT64_MAX,
                            "renewal_time": 1})
        self.assert_client_error(created, "valid_for")

    def test_trust_mark_lifetime_cannot_overflow(self):
        for valid_for in (INT64_MAX // 3600 + 1, INT64_MAX):
            with self.subTest(valid_for=valid_for):
                tmtype = f"https://tm.test/overflow/{valid_for}"
                created = self.api("POST", "/trustmarktypes",
                                   {"tmtype": tmtype, "valid_for": valid_for, "renewal_time": 1})
                if created.status != 201:
                    self.assert_client_error(created, "valid_for")
                    continue
                issued = self.api("POST", "/trustmarks",
                                  {"tmt": created.json["id"], "domain": "https://rp.test/o",
                                   "valid_for": valid_for})
                self.assert_client_error(issued, "valid_for")

    def test_negative_and_zero_numbers(self):
        cases = [
            ("POST", "/trustmarktypes", {"tmtype": "https://tm.test/n1", "valid_for": -1},
             "valid_for"),
            ("POST", "/trustmarktypes", {"tmtype": "https://tm.test/n2", "valid_for": 0},
             "valid_for"),
            ("POST", "/trustmarktypes", {"tmtype": "https://tm.test/n3", "renewal_time": -5},
             "renewal_time"),
            ("POST", "/apikeys", {"name": "n", "expires_days": -1}, "expires_days"),
            ("POST", "/apikeys", {"name": "n", "expires_days": INT64_MAX}, "expires_days"),
        ]
        for method, path, body, field in cases:
            with self.subTest(path=path, body=body):
                self.assert_client_error(self.api(method, path, body), field)

    def test_subordinate_valid_for_over_the_limit(self):
        entity_id, jwks = self.entity()
        for valid_for in (8761, INT64_MAX, -1, 0):
            with self.subTest(valid_for=valid_for):
                reply = self.api("POST", "/subordinates",
                                 {"entityid": entity_id, "jwks": jwks, "valid_for": valid_for})
                self.assert_client_error(reply, "valid_for")
        within = self.api("POST", "/subordinates",
                          {"entityid": entity_id, "jwks": jwks, "valid_for": 8760})
        self.assertEqual(within.status, 201, within.body)

    def test_publish_rejects_non_object_body(self):
        for path in ("/server/entity", "/server/historical_keys"):
            for body in ("not json", "[]", "5", '"x"', "{"):
                with self.subTest(path=path, body=body):
                    self.assert_client_error(self.api("POST", path, body), "body")
            for body in ("", "{}"):
                with self.subTest(path=path, body=body):
                    reply = self.api("POST", path, body)
                    self.assertEqual(reply.status, 200, reply.body)

    def test_metadata_members_must_be_objects(self):
        entity_id, jwks = self.entity()
        for field in ("metadata", "forced_metadata"):
            for value in (5, "x", [], None, True):
                with self.subTest(field=field, value=value):
                    reply = self.api("POST", "/subordinates",
                                     {"entityid": entity_id, "jwks": jwks,
                                      field: {"openid_provider": value}})
                    self.assertEqual(reply.status, 400, reply.body)
                    self.assertIn(f"{field}.openid_provider", reply.json["message"])

    # Duplicates and races.

    def race(self, method, path, body, count=12):
        with concurrent.futures.ThreadPoolExecutor(max_workers=count) as pool:
            return list(pool.map(lambda _: self.api(method, path, body), range(count)))

    def assert_one_created(self, replies):
        statuses = sorted(reply.status for reply in replies)
        self.assertEqual(statuses, [201] + [403] * (len(replies) - 1),
                         [reply.body[:200] for reply in replies])
        created_id = [reply.json["id"] for reply in replies if reply.status == 201][0]
        for reply in replies:
            if reply.status == 403:
                self.assertEqual(reply.json["id"], created_id, reply.body)
        return created_id

    def test_concurrent_duplicate_trust_mark_types(self):
        self.assert_one_created(self.race("POST", "/trustmarktypes",
                                          {"tmtype": "https://tm.test/race"}))

    def test_concurrent_duplicate_subordinates(self):
        entity_id, jwks = self.entity()
        self.assert_one_created(self.race("POST", "/subordinates",
                                          {"entityid": entity_id, "jwks": jwks}, count=6))

    def test_concurrent_duplicate_trust_marks(self):
        created = self.api("POST", "/trustmarktypes", {"tmtype": "https://tm.test/race-mark"})
        self.assertEqual(created.status, 201, created.body)
        self.assert_one_created(self.race("POST", "/trustmarks",
                                          {"tmt": created.json["id"],
                                           "domain": "https://rp.test/race"}))

    def test_duplicate_races_across_two_replicas(self):
        """Two admin processes on one database: the process-local lock does
        not order them, so the database alone must keep one row."""
        replica, replica_port = self.deployment.start_replica()
        try:
            entity_id, jwks = self.entity()
            created_type = None
            for path, body in (("/trustmarktypes", {"tmtype": "https://tm.test/replicas"}),
                               ("/subordinates", {"entityid": entity_id, "jwks": jwks})):
                with self.subTest(path=path):
                    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
                        futures = [pool.submit(self.api, "POST", path, body,
                                               port=replica_port if number % 2 else None)
                                   for number in range(8)]
                        replies = [future.result() for future in futures]
                    created_id = self.assert_one_created(replies)
                    if path == "/trustmarktypes":
                        created_type = created_id
            with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
                futures = [pool.submit(self.api, "POST", "/trustmarks",
                                       {"tmt": created_type, "domain": entity_id},
                                       port=replica_port if number % 2 else None)
                           for number in range(8)]
                self.assert_one_created([future.result() for future in futures])
        finally:
            replica.terminate()
            self.assertEqual(replica.wait(timeout=60), 0)

    def test_concurrent_revokes_of_one_mark(self):
        created = self.api("POST", "/trustmarktypes", {"tmtype": "https://tm.test/revoke-race"})
        mark = self.api("POST", "/trustmarks", {"tmt": created.json["id"],
                                                "domain": "https://rp.test/revoke"})
        self.assertEqual(mark.status, 201, mark.body)
        replies = self.race("PUT", f"/trustmarks/{mark.json['id']}", {"active": False})
        for reply in replies:
            self.assertLess(reply.status, 500, reply.body)
        renewed = self.api("POST", f"/trustmarks/{mark.json['id']}/renew")
        self.assert_client_error(renewed)

    def test_revoke_racing_renewals_stays_revoked(self):
        """A revoke committed after a renewal must not be overtaken by that
        renewal's publication: the mark stays absent."""
        created = self.api("POST", "/trustmarktypes", {"tmtype": "https://tm.test/renew-race"})
        self.assertEqual(created.status, 201, created.body)
        served_after_revoke = []
        for round_number in range(15):
            domain = f"https://rp.test/renew-race/{round_number}"
            mark = self.api("POST", "/trustmarks", {"tmt": created.json["id"], "domain": domain})
            self.assertEqual(mark.status, 201, mark.body)
            mark_id = mark.json["id"]
            with concurrent.futures.ThreadPoolExecutor(max_workers=9) as pool:
                renewals = [pool.submit(self.api, "POST", f"/trustmarks/{mark_id}/renew")
                            for _ in range(8)]
                revoke = pool.submit(self.api, "PUT", f"/trustmarks/{mark_id}",
                                     {"active": False})
                replies = [future.result() for future in renewals + [revoke]]
            for reply in replies:
                self.assertLess(reply.status, 500, reply.body)
            self.assertEqual(revoke.result().status, 200, revoke.result().body)
            time.sleep(1.2)     # cache_ttl = 1
            served = self.deployment.federation(
                f"/trust_mark?trust_mark_type=https://tm.test/renew-race&sub={domain}")
            if served.status != 404:
                served_after_revoke.append((round_number, served.status))
        self.assertEqual(served_after_revoke, [])

    def test_deactivate_racing_updates_stays_withdrawn(self):
        """The last committed state of a subordinate is what is served, even
        when an update and a deactivation run at the same time."""
        mismatches = []
        for round_number in range(6):
            entity_id, jwks = self.entity()
            created = self.api("POST", "/subordinates", {"entityid": entity_id, "jwks": jwks})
            self.assertEqual(created.status, 201, created.body)
            path = f"/subordinates/{created.json['id']}"
            with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
                updates = [pool.submit(self.api, "POST", path, {"jwks": jwks, "valid_for": 100})
                           for _ in range(4)]
                deactivate = pool.submit(self.api, "POST", path, {"jwks": jwks, "active": False})
                for future in updates + [deactivate]:
                    self.assertLess(future.result().status, 500, future.result().body)
            time.sleep(1.2)
            durable = self.api("GET", path).json["active"]
            fetched = self.deployment.federation(f"/fetch?sub={entity_id}").status
            if (fetched == 200) != durable:
                mismatches.append((round_number, durable, fetched))
        self.assertEqual(mismatches, [])

    def test_deactivation_during_a_key_rotating_renewal_holds(self):
        """A renewal that finds new keys writes the subordinate's settings as
        they were before its fetch. A deactivation committed during that
        fetch must not be undone by it."""
        entity_id, jwks = self.entity()
        created = self.api("POST", "/subordinates", {"entityid": entity_id, "jwks": jwks})
        self.assertEqual(created.status, 201, created.body)
        path = f"/subordinates/{created.json['id']}"
        self.host.add_key(entity_id, delay=2)

        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            renewal = pool.submit(self.api, "POST", path + "/renew")
            time.sleep(0.5)
            deactivated = self.api("POST", path, {"jwks": jwks, "active": False})
            renewed = renewal.result()
        self.assertEqual(deactivated.status, 200, deactivated.body)
        self.assertEqual(renewed.status, 422, renewed.body)
        self.assertIn("renew it again", renewed.json["message"])
        time.sleep(1.2)     # cache_ttl = 1

        self.assertFalse(self.api("GET", path).json["active"])
        self.assertEqual(self.deployment.federation(f"/fetch?sub={entity_id}").status, 404)

    # Authentication.

    def test_api_key_variants_are_refused(self):
        # HTTP does not count spaces and tabs around a header value as part
        # of it, so " KEY" is the key itself. Every change inside must fail.
        key = self.deployment.api_key
        for variant in (key.upper(), key[:-1], key + "x", key.replace("_", "-"), "",
                        key[:10] + " " + key[10:], key + "\x00", key + "," + key):
            with self.subTest(variant=repr(variant)):
                try:
                    reply = request(self.deployment.admin_port, "GET", "/api/v1/subordinates",
                                    headers={"X-API-Key": variant})
                except ValueError:
                    continue    # http.client refuses to send it
                self.assertIn(reply.status, (400, 401), reply.body)

    def test_forged_session_cookie_and_foreign_csrf(self):
        port = self.deployment.admin_port
        forged = request(port, "GET", "/api/v1/subordinates",
                         headers={"Cookie": "sessionid=" + "A" * 43})
        self.assertEqual(forged.status, 401)
        empty = request(port, "GET", "/api/v1/subordinates", headers={"Cookie": "sessionid="})
        self.assertEqual(empty.status, 401)
        twice = request(port, "GET", "/api/v1/subordinates",
                        headers={"Cookie": "sessionid=x; sessionid=" + "B" * 43})
        self.assertEqual(twice.status, 401)

        first, first_csrf = self.sign_in()
        second, second_csrf = self.sign_in()
        origin = f"http://127.0.0.1:{port}"
        crossed = request(port, "POST", "/api/v1/trustmarktypes",
                          json.dumps({"tmtype": "https://tm.test/crossed"}),
                          {"Cookie": f"sessionid={first}; csrftoken={second_csrf}",
                           "X-CSRFToken": second_csrf, "Origin": origin,
                           "Content-Type": "application/json"})
        self.assertEqual(crossed.status, 403, crossed.body)
        no_origin = request(port, "POST", "/api/v1/trustmarktypes",
                            json.dumps({"tmtype": "https://tm.test/no-origin"}),
                            {"Cookie": f"sessionid={first}; csrftoken={first_csrf}",
                             "X-CSRFToken": first_csrf, "Content-Type": "application/json"})
        self.assertEqual(no_origin.status, 403, no_origin.body)
        null_origin = request(port, "POST", "/api/v1/trustmarktypes",
                              json.dumps({"tmtype": "https://tm.test/null-origin"}),
                              {"Cookie": f"sessionid={first}; csrftoken={first_csrf}",
                               "X-CSRFToken": first_csrf, "Origin": "null",
                               "Content-Type": "application/json"})
        self.assertEqual(null_origin.status, 403, null_origin.body)
        lookalike = request(port, "POST", "/api/v1/trustmarktypes",
                            json.dumps({"tmtype": "https://tm.test/lookalike"}),
                            {"Cookie": f"sessionid={first}; csrftoken={first_csrf}",
                             "X-CSRFToken": first_csrf, "Origin": origin + ".evil.test",
                             "Content-Type": "application/json"})
        self.assertEqual(lookalike.status, 403, lookalike.body)
        self.assertEqual(self.api("GET", "/trustmarktypes?tmtype=https://tm.test/crossed").status,
                         404)

    def sign_in(self):
        port = self.deployment.admin_port
        csrf = request(port, "GET", "/api/v1/auth/csrf").json["csrftoken"]
        login = request(port, "POST", "/api/v1/auth/login",
                        json.dumps({"username": "admin", "password": ADMIN_PASSWORD}),
                        {"Cookie": f"csrftoken={csrf}", "X-CSRFToken": csrf,
                         "Origin": f"http://127.0.0.1:{port}",
                         "Content-Type": "application/json"})
        self.assertEqual(login.status, 200, login.body)
        cookies = {}
        for key, value in login.headers:
            if key.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                cookies[name] = rest.split(";")[0]
        return cookies["sessionid"], cookies["csrftoken"]

    def test_host_header_games(self):
        port = self.deployment.admin_port
        for host in ("evil.test", f"127.0.0.1:{port}@evil.test", "127.0.0.1.evil.test",
                     "", f"127.0.0.1:{port}\tevil.test", "[::1]"):
            with self.subTest(host=host):
                try:
                    reply = request(port, "GET", "/api/v1/subordinates",
                                    headers={"Host": host, "X-API-Key": self.deployment.api_key})
                except ValueError:
                    continue
                self.assertEqual(reply.status, 400, reply.body)
        # An absolute request target naming another host.
        absolute = self.raw_exchange(
            f"GET http://evil.test/api/v1/subordinates HTTP/1.1\r\nHost: evil.test\r\n"
            f"X-API-Key: {self.deployment.api_key}\r\nConnection: close\r\n\r\n")
        self.assertRegex(absolute.split(b"\r\n")[0], rb"HTTP/1.1 4\d\d")

    def test_documentation_and_static_paths(self):
        port = self.deployment.admin_port
        key = {"X-API-Key": self.deployment.api_key}
        for path in ("/api/v1/docs/../../../etc/passwd", "/api/v1/docs/%2e%2e/%2e%2e/etc/passwd",
                     "/api/v1/docs/assets/..%2f..%2ftaconfig.toml", "/../taconfig.toml",
                     "/%2e%2e/taconfig.toml", "/api/v1/openapi.json/..",
                     "/api/v1/docs/assets/%00"):
            with self.subTest(path=path):
                reply = request(port, "GET", path, headers=key)
                self.assertLess(reply.status, 500, reply.body[:200])
                self.assertNotIn("secret_key", reply.body)
                self.assertNotIn("root:", reply.body)
        self.assertEqual(request(port, "GET", "/api/v1/openapi.json", headers=key).status, 200)
        self.assertEqual(request(port, "GET", "/api/v1/openapi.json").status, 401)

    # Connections.

    def raw_exchange(self, data, timeout=30):
        with socket.create_connection(("127.0.0.1", self.deployment.admin_port),
                                      timeout=timeout) as connection:
            connection.sendall(data.encode() if isinstance(data, str) else data)
            received = b""
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    return received
                received += chunk

    def test_malformed_requests_on_the_wire(self):
        for data in ("GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                     "POST /api/v1/trustmarktypes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Length: -5\r\n\r\n",
                     "POST /api/v1/trustmarktypes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Content-Length: 99999999999999999999\r\n\r\n",
                     "POST /api/v1/trustmarktypes HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n",
                     "GET /" + "a" * 100000 + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                     "GET / HTTP/1.1\r\n" + "X: y\r\n" * 10000 + "\r\n"):
            with self.subTest(data=data[:60]):
                received = self.raw_exchange(data)
                if received:
                    self.assertRegex(received.split(b"\r\n")[0], rb"HTTP/1.[01] 4\d\d")

    def test_slow_and_many_clients_do_not_starve_others(self):
        idle = []
        try:
            for _ in range(200):
                connection = socket.create_connection(
                    ("127.0.0.1", self.deployment.admin_port), timeout=10)
                connection.sendall(b"GET /api/v1/auth/csrf HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                idle.append(connection)
            started = time.monotonic()
            reply = self.api("GET", "/trustmarktypes", timeout=20)
            self.assertEqual(reply.status, 200, reply.body)
            self.assertLess(time.monotonic() - started, 10)
        finally:
            for connection in idle:
                connection.close()
        with concurrent.futures.ThreadPoolExecutor(max_workers=32) as pool:
            replies = list(pool.map(lambda _: self.api("GET", "/subordinates", timeout=60),
                                    range(300)))
        self.assertEqual({reply.status for reply in replies}, {200})

    def test_zz_sigterm_during_requests_then_busy_port(self):
        deployment = self.deployment
        entities = [self.entity() for _ in range(8)]

        def create(entity):
            try:
                return self.api("POST", "/subordinates",
                                {"entityid": entity[0], "jwks": entity[1]}, timeout=60).status
            except OSError as error:
                return type(error).__name__

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(create, entity) for entity in entities]
            time.sleep(0.2)
            deployment.admin.send_signal(signal.SIGTERM)
            started = time.monotonic()
            code = deployment.admin.wait(timeout=60)
            statuses = [future.result(timeout=120) for future in futures]
        deployment.admin = None
        self.assertEqual(code, 0)
        self.assertLess(time.monotonic() - started, 30)
        for status in statuses:
            self.assertNotIn(status, (500, 502))

        # A restart while another process listens on the port must fail clearly.
        with socket.socket() as squatter:
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            squatter.bind(("127.0.0.1", deployment.admin_port))
            squatter.listen()
            refused = deployment.command("serve")
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn(str(deployment.admin_port), refused.stderr)
        deployment.start_admin()
        listed = self.api("GET", "/subordinates?limit=1000")
        self.assertEqual(listed.status, 200)
        known = {item["entityid"] for item in listed.json["items"]}
        for entity, status in zip(entities, statuses):
            if status == 201:
                self.assertIn(entity[0], known)


class AdminLoginThrottleTest(unittest.TestCase):
    """Password guesses against an admin of its own, because the lockout
    they cause applies to the whole loopback address."""

    @classmethod
    def setUpClass(cls):
        cls.deployment = Deployment("inmor-admin-throttle-")
        cls.deployment.start_admin()

    @classmethod
    def tearDownClass(cls):
        cls.deployment.close()

    def test_login_throttle_holds_under_concurrency(self):
        """Each guess is counted before its password is verified, so logins
        running at once on every worker thread get no more guesses than the
        limit of 5."""
        port = self.deployment.admin_port
        csrf = request(port, "GET", "/api/v1/auth/csrf").json["csrftoken"]

        def attempt(number):
            return request(port, "POST", "/api/v1/auth/login",
                           json.dumps({"username": "admin", "password": f"wrong-{number}"}),
                           {"Cookie": f"csrftoken={csrf}", "X-CSRFToken": csrf,
                            "Origin": f"http://127.0.0.1:{port}",
                            "Content-Type": "application/json"}).status

        with concurrent.futures.ThreadPoolExecutor(max_workers=40) as pool:
            statuses = list(pool.map(attempt, range(60)))

        self.assertEqual(statuses.count(401), 5)
        self.assertEqual(statuses.count(429), 55)
        self.assertEqual(self.deployment.sanitizer_reports(), [])


if __name__ == "__main__":
    unittest.main()
