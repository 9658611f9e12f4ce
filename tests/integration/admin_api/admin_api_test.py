"""Black-box tests of `inmor-admin serve`: the real binary on a loopback port,
with its durable data on SQLite or PostgreSQL (ADMIN_TEST_DATABASE=sqlite or
postgres) and the federation data in the embedded store, which the real
`inmor` then serves.

Each test class starts one admin. Logins from different tests use different
client addresses (X-Forwarded-For from the trusted loopback proxy), so the
login throttle of one test never locks another.
"""

import base64
import hashlib
import hmac
import http.client
import http.server
import json
import os
import pathlib
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

ADMIN = os.environ["INMOR_ADMIN_BIN"]
INMOR = os.environ["INMOR_BIN"]
KEYGEN = os.environ["INMOR_KEYGEN_BIN"]
SEED = os.environ["INMOR_SEED"]
DATABASE = os.environ.get("ADMIN_TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get("INMOR_TEST_DATABASE_URL", "")

ADMIN_PASSWORD = "correct horse battery"
TRUSTED_ORIGIN = "http://trusted.test"
CORS_ORIGIN = "http://cors.test"
SECRET_OUTSIDE_UI = "this file is outside ui_dir"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def totp(secret_base32, at=None, digits=6, step=30):
    """RFC 6238 TOTP with HMAC-SHA-1, as authenticator apps compute it."""
    padded = secret_base32 + "=" * (-len(secret_base32) % 8)
    key = base64.b32decode(padded, casefold=True)
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % (10 ** digits)).zfill(digits)


def decode_jwt_payload(token):
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all_headers(self, name):
        return [value for key, value in self.headers if key.lower() == name.lower()]

    @property
    def json(self):
        return json.loads(self.body)


class Client:
    """One browser or script: its cookies, its client address, its origin."""

    def __init__(self, port, client_address, api_key=None):
        self.port = port
        self.client_address = client_address
        self.api_key = api_key
        self.cookies = {}
        self.origin = f"http://127.0.0.1:{port}"

    def raw(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        all_headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-For": self.client_address}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.api_key:
            all_headers["X-API-Key"] = self.api_key
        all_headers.update(headers or {})
        all_headers = {k: v for k, v in all_headers.items() if v is not None}
        connection.request(method, path, body=body, headers=all_headers)
        reply = connection.getresponse()
        response = Response(reply.status, reply.getheaders(), reply.read().decode())
        connection.close()
        for cookie in response.all_headers("Set-Cookie"):
            name, _, rest = cookie.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in cookie:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return response

    def call(self, method, path, payload=None, csrf=True, origin=True, headers=None):
        """A JSON API call as the web UI makes it: CSRF header and Origin on writes."""
        extra = {"Accept": "application/json"}
        body = None
        if payload is not None:
            body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
            extra["Content-Type"] = "application/json"
        if method in ("POST", "PUT", "PATCH", "DELETE"):
            if csrf:
                if "csrftoken" not in self.cookies:
                    self.raw("GET", "/api/v1/auth/csrf")
                extra["X-CSRFToken"] = self.cookies["csrftoken"]
            if origin:
                extra["Origin"] = self.origin
        extra.update(headers or {})
        return self.raw(method, "/api/v1" + path, body, extra)

    def login(self, username, password):
        return self.call("POST", "/auth/login", {"username": username, "password": password})


class Database:
    """Direct SQL on the admin's database, for states the API cannot make
    (an expired key)."""

    def __init__(self, home):
        self.home = home
        self.schema = None
        if DATABASE == "postgres":
            self.schema = "inmor_admin_api_" + uuid.uuid4().hex[:12]
            self.psql(f"CREATE SCHEMA {self.schema}")
            self.url = POSTGRES_URL + ("&" if "?" in POSTGRES_URL else "?") + \
                f"options=-csearch_path%3D{self.schema}"
        else:
            self.url = "sqlite:data/admin.db"

    def psql(self, statement):
        subprocess.run(["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement],
                       check=True, capture_output=True, timeout=60)

    def execute(self, statement):
        if self.schema:
            self.psql(f"SET search_path TO {self.schema}; {statement}")
        else:
            with sqlite3.connect(self.home / "data" / "admin.db") as connection:
                connection.execute(statement)

    def drop(self):
        if self.schema:
            self.psql(f"DROP SCHEMA {self.schema} CASCADE")


class AdminApiTest(unittest.TestCase):
    next_address = 1

    @classmethod
    def setUpClass(cls):
        if DATABASE == "postgres" and not POSTGRES_URL:
            raise unittest.SkipTest("INMOR_TEST_DATABASE_URL is not set")
        cls.home = pathlib.Path(tempfile.mkdtemp(prefix="inmor-admin-api-"))
        cls.database = Database(cls.home)
        cls.port = free_port()
        cls.metrics_port = free_port()
        cls.inmor_port = free_port()
        cls.domain = f"http://127.0.0.1:{cls.inmor_port}"
        subprocess.run([KEYGEN, "--type=ES256", f"--output={cls.home}"], check=True,
                       capture_output=True)
        cls.write_ui()
        (cls.home / "taconfig.toml").write_text(
            f'domain = "{cls.domain}"\n'
            "allow_http = true\n"
            'data_dir = "data"\n'
            f'listen = "127.0.0.1:{cls.inmor_port}"\n'
            'metrics_listen = ""\n'
            "[limits]\n"
            'trusted_proxies = ["127.0.0.1/32"]\n'
            "[admin]\n"
            f'listen = "127.0.0.1:{cls.port}"\n'
            f'metrics_listen = "127.0.0.1:{cls.metrics_port}"\n'
            f'database_url = "{cls.database.url}"\n'
            'secret_key = "test-secret-key-not-for-production"\n'
            "session_cookie_secure = false\n"
            f'csrf_trusted_origins = ["{TRUSTED_ORIGIN}"]\n'
            f'cors_origins = ["{CORS_ORIGIN}"]\n'
            f'federation_server_url = "{cls.domain}"\n'
            'ui_dir = "ui"\n')
        cls.config = str(cls.home / "taconfig.toml")

        result = cls.admin_command("setup_admin", "--username", "admin", "--noinput",
                                   env={"INMOR_ADMIN_PASSWORD": ADMIN_PASSWORD})
        assert result.returncode == 0, result.stderr
        result = cls.admin_command("apikey", "create", "--username", "admin")
        assert result.returncode == 0, result.stderr
        cls.admin_key = result.stdout.strip()
        cls.start_admin()

    @classmethod
    def tearDownClass(cls):
        for process in getattr(cls, "processes", []):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if hasattr(cls, "database"):
            cls.database.drop()
        if hasattr(cls, "home"):
            shutil.rmtree(cls.home, ignore_errors=True)

    @classmethod
    def write_ui(cls):
        ui = cls.home / "ui"
        (ui / "assets").mkdir(parents=True)
        (ui / "index.html").write_text("<!DOCTYPE html><title>Admin UI</title>")
        (ui / "assets" / "app-3f2a1b.js").write_text("console.log('ui');")
        (ui / "assets" / "style-9c8d7e.css").write_text("body{}")
        (cls.home / "secret.txt").write_text(SECRET_OUTSIDE_UI)

    @classmethod
    def admin_command(cls, *arguments, env=None):
        return subprocess.run([ADMIN, "-c", cls.config, *arguments], capture_output=True,
                              text=True, timeout=120, env={**os.environ, **(env or {})})

    @classmethod
    def start_admin(cls):
        cls.processes = getattr(cls, "processes", [])
        with open(cls.home / "admin.log", "wb") as log:
            process = subprocess.Popen([ADMIN, "-c", cls.config, "serve"], stdout=log,
                                       stderr=log)
        cls.processes.append(process)
        cls.wait_until_up(cls.port, "/api/v1/auth/csrf", process)

    @classmethod
    def start_inmor(cls):
        """Start the federation server once, so that later calls find it running."""
        if getattr(cls, "inmor_process", None):
            return
        with open(cls.home / "inmor.log", "wb") as log:
            process = subprocess.Popen([INMOR, "-c", cls.config], stdout=log, stderr=log)
        cls.processes.append(process)
        cls.inmor_process = process
        cls.wait_until_up(cls.inmor_port, "/health", process)

    @staticmethod
    def wait_until_up(port, path, process):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"process exited with {process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                try:
                    connection.request("GET", path, headers={"Host": f"127.0.0.1:{port}"})
                    connection.getresponse().read()
                finally:
                    connection.close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"no answer on port {port} within 60 s")

    def client(self, api_key=None):
        """A client with a client address of its own."""
        AdminApiTest.next_address += 1
        address = f"198.51.100.{AdminApiTest.next_address}"
        return Client(self.port, address, api_key)

    def script(self):
        return self.client(self.admin_key)

    def signed_in(self, username="admin", password=ADMIN_PASSWORD):
        browser = self.client()
        response = browser.login(username, password)
        self.assertEqual(response.status, 200, response.body)
        return browser

    def make_user(self, username, password="user-password-1", superuser=False):
        response = self.script().call("POST", "/users", {
            "username": username, "email": f"{username}@example.test", "password": password,
            "is_superuser": superuser})
        self.assertEqual(response.status, 201, response.body)
        return response.json

    def audit(self, **filters):
        query = "&".join(f"{key}={value}" for key, value in filters.items())
        response = self.script().call("GET", f"/auditlog?{query}")
        self.assertEqual(response.status, 200, response.body)
        return response.json

    # Routing and authentication.

    def test_every_protected_route_needs_authentication(self):
        anonymous = self.client()
        routes = [("GET", "/users"), ("POST", "/users"), ("GET", "/users/1"),
                  ("PUT", "/users/1"), ("POST", "/mfa/totp/begin"), ("POST", "/mfa/totp/confirm"),
                  ("POST", "/mfa/disable"), ("GET", "/apikeys"), ("POST", "/apikeys"),
                  ("DELETE", "/apikeys/1"), ("GET", "/auditlog"), ("GET", "/auditlog/1"),
                  ("POST", "/server/entity"), ("POST", "/server/historical_keys"),
                  ("GET", "/server/status"), ("GET", "/server/federation_health"),
                  ("GET", "/collection"), ("GET", "/openapi.json"),
                  ("GET", "/docs"), ("GET", "/auth/me")]
        for method, path in routes:
            with self.subTest(route=f"{method} {path}"):
                response = anonymous.call(method, path, {} if method != "GET" else None)
                self.assertEqual(response.status, 401, response.body)
                self.assertIn("message", response.json)

    def test_unknown_path_and_wrong_method(self):
        script = self.script()
        missing = script.call("GET", "/no/such/route")
        wrong = script.call("PATCH", "/apikeys")

        self.assertEqual(missing.status, 404)
        self.assertIn("no such API route", missing.json["message"])
        self.assertEqual(wrong.status, 405)
        self.assertEqual(wrong.header("Allow"), "GET, HEAD, POST")

    def test_bad_api_key_is_rejected(self):
        response = self.client("inmor_00000000_notakey").call("GET", "/auth/me")

        self.assertEqual(response.status, 401)
        self.assertIn("invalid API key", response.json["message"])

    def test_expired_api_key_is_rejected(self):
        created = self.script().call("POST", "/apikeys", {"name": "soon", "expires_days": 1})
        self.assertEqual(created.status, 201, created.body)
        key = self.client(created.json["key"])
        self.assertEqual(key.call("GET", "/auth/me").status, 200)

        self.database.execute(f"UPDATE api_keys SET expires_at = 1 WHERE id = {created.json['id']}")
        response = key.call("GET", "/auth/me")

        self.assertEqual(response.status, 401)

    def test_revoked_api_key_is_rejected(self):
        script = self.script()
        created = script.call("POST", "/apikeys", {"name": "to revoke"})
        self.assertEqual(created.status, 201, created.body)
        key_id = created.json["id"]

        revoked = script.call("DELETE", f"/apikeys/{key_id}")
        again = script.call("DELETE", f"/apikeys/{key_id}")
        unknown = script.call("DELETE", "/apikeys/999999")
        not_a_number = script.call("DELETE", "/apikeys/abc")
        use = self.client(created.json["key"]).call("GET", "/auth/me")

        self.assertEqual(revoked.status, 200, revoked.body)
        self.assertFalse(revoked.json["active"])
        self.assertEqual(again.status, 400)
        self.assertEqual(unknown.status, 404)
        self.assertEqual(not_a_number.status, 404)
        self.assertEqual(use.status, 401)
        entries = self.audit(action="revoke", resource_type="api_key")
        self.assertTrue(any(entry["resource_id"] == str(key_id) for entry in entries["items"]))

    def test_api_key_writes_need_no_csrf(self):
        response = self.script().call("POST", "/apikeys", {"name": "no csrf"}, csrf=False,
                                      origin=False)

        self.assertEqual(response.status, 201, response.body)

    def test_api_key_list_and_validation(self):
        script = self.script()
        created = script.call("POST", "/apikeys", {"name": "listed", "expires_days": 30})
        listed = script.call("GET", "/apikeys?limit=1000")
        bad = {
            "expires_days": script.call("POST", "/apikeys", {"name": "x", "expires_days": 0}),
            "expires_days ": script.call("POST", "/apikeys", {"name": "x", "expires_days": "7"}),
            "name": script.call("POST", "/apikeys", {}),
            "name ": script.call("POST", "/apikeys", {"name": ""}),
            "colour": script.call("POST", "/apikeys", {"name": "x", "colour": "red"}),
            "body": script.call("POST", "/apikeys", "{not json"),
        }

        self.assertEqual(created.status, 201)
        self.assertTrue(created.json["key"].startswith("inmor_"))
        self.assertIsNotNone(created.json["expires_at"])
        items = listed.json["items"]
        self.assertEqual(listed.json["count"], len(items))
        mine = [item for item in items if item["id"] == created.json["id"]]
        self.assertEqual(len(mine), 1)
        self.assertNotIn("key", mine[0])
        self.assertEqual(mine[0]["prefix"], created.json["prefix"])
        self.assertEqual(mine[0]["owner"], "admin")
        for field, response in bad.items():
            with self.subTest(field=field):
                self.assertEqual(response.status, 400, response.body)
                self.assertIn(field.strip(), response.json["message"])

    # Sessions, CSRF and Origin.

    def test_login_needs_csrf_token_and_origin(self):
        browser = self.client()
        browser.raw("GET", "/api/v1/auth/csrf")
        body = {"username": "admin", "password": ADMIN_PASSWORD}

        missing = browser.call("POST", "/auth/login", body, csrf=False)
        wrong = browser.call("POST", "/auth/login", body, headers={"X-CSRFToken": "x" * 43})
        no_origin = browser.call("POST", "/auth/login", body, origin=False)
        foreign = browser.call("POST", "/auth/login", body, headers={"Origin": "http://evil.test"})
        referer = browser.call("POST", "/auth/login", body, origin=False,
                               headers={"Referer": f"{TRUSTED_ORIGIN}/login"})

        self.assertEqual(missing.status, 403)
        self.assertIn("CSRF", missing.json["message"])
        self.assertEqual(wrong.status, 403)
        self.assertEqual(no_origin.status, 403)
        self.assertIn("Origin", no_origin.json["message"])
        self.assertEqual(foreign.status, 403)
        self.assertIn("http://evil.test", foreign.json["message"])
        self.assertEqual(referer.status, 200, referer.body)

    def test_csrf_cookie_route(self):
        browser = self.client()
        first = browser.raw("GET", "/api/v1/auth/csrf")
        second = browser.raw("GET", "/api/v1/auth/csrf")

        self.assertEqual(first.status, 200)
        cookie = first.header("Set-Cookie")
        self.assertIn("csrftoken=", cookie)
        self.assertNotIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)
        self.assertNotIn("Secure", cookie)
        self.assertEqual(first.json["csrftoken"], browser.cookies["csrftoken"])
        self.assertEqual(second.json["csrftoken"], first.json["csrftoken"])

    def test_cookies_are_secure_behind_https_proxy(self):
        response = self.client().raw("GET", "/api/v1/auth/csrf",
                                     headers={"X-Forwarded-Proto": "https"})

        self.assertIn("Secure", response.header("Set-Cookie"))

    def test_session_login_me_write_and_logout(self):
        browser = self.client()
        browser.raw("GET", "/api/v1/auth/csrf")
        before_login = browser.cookies["csrftoken"]

        login = browser.login("admin", ADMIN_PASSWORD)
        session_cookie = [c for c in login.all_headers("Set-Cookie") if c.startswith("sessionid=")]
        me = browser.call("GET", "/auth/me")
        stale = browser.call("POST", "/apikeys", {"name": "stale"},
                             headers={"X-CSRFToken": before_login})
        no_token = browser.call("POST", "/apikeys", {"name": "none"}, csrf=False)
        foreign = browser.call("POST", "/apikeys", {"name": "foreign"},
                               headers={"Origin": "http://evil.test"})
        written = browser.call("POST", "/apikeys", {"name": "from session"})
        logout = browser.call("POST", "/auth/logout")
        after = browser.call("GET", "/auth/me")

        self.assertEqual(login.status, 200, login.body)
        self.assertEqual(login.json["user"]["username"], "admin")
        self.assertEqual(len(session_cookie), 1)
        self.assertIn("HttpOnly", session_cookie[0])
        self.assertIn("SameSite=Lax", session_cookie[0])
        self.assertNotEqual(browser.cookies["csrftoken"], before_login)
        self.assertEqual(me.status, 200)
        self.assertFalse(me.json["mfa_enabled"])
        self.assertEqual(stale.status, 403)
        self.assertEqual(no_token.status, 403)
        self.assertEqual(foreign.status, 403)
        self.assertEqual(written.status, 201, written.body)
        self.assertEqual(logout.status, 200)
        self.assertEqual(after.status, 401)
        entries = self.audit(action="create", resource_type="api_key")
        entry = [e for e in entries["items"] if e["resource_id"] == str(written.json["id"])][0]
        self.assertEqual(entry["auth_method"], "session")
        self.assertEqual(entry["client_address"], browser.client_address)
        self.assertEqual(entry["username"], "admin")

    def test_wrong_password_is_rejected_and_audited(self):
        browser = self.client()
        response = browser.login("admin", "not the password")

        self.assertEqual(response.status, 401)
        self.assertEqual(response.json["message"], "invalid username or password")
        self.assertNotIn("sessionid", browser.cookies)
        entries = self.audit(action="login", username="admin")
        failures = [e for e in entries["items"] if e["result"] == "failure" and
                    e["client_address"] == browser.client_address]
        self.assertEqual(len(failures), 1)

    def test_login_throttle_locks_after_failures(self):
        browser = self.client()
        statuses = [browser.login("throttled-user", "wrong").status for _ in range(5)]
        locked = browser.login("throttled-user", "wrong")

        self.assertEqual(statuses, [401] * 5)
        self.assertEqual(locked.status, 429)
        self.assertIsNotNone(locked.header("Retry-After"))

    def test_login_validation(self):
        browser = self.client()
        cases = [
            ("username", browser.call("POST", "/auth/login", {"password": "x"})),
            ("password", browser.call("POST", "/auth/login", {"username": "admin", "password": 5})),
            ("body", browser.call("POST", "/auth/login", "[1, 2]")),
            ("extra", browser.call("POST", "/auth/login", {"username": "a", "password": "b",
                                                           "extra": 1})),
            ("username", browser.call("POST", "/auth/login", {"username": "u" * 151,
                                                              "password": "x"})),
            ("password", browser.call("POST", "/auth/login", {"username": "admin",
                                                              "password": "p" * 1025})),
        ]
        for field, response in cases:
            with self.subTest(field=field):
                self.assertEqual(response.status, 400, response.body)
                self.assertIn(field, response.json["message"])

    def test_host_header_must_be_allowed(self):
        response = self.client().raw("GET", "/api/v1/auth/csrf", headers={"Host": "evil.test"})

        self.assertEqual(response.status, 400)
        self.assertIn("allowed_hosts", response.json["message"])

    def test_cors_only_for_listed_origins(self):
        client = self.client()
        preflight = client.raw("OPTIONS", "/api/v1/apikeys", headers={
            "Origin": CORS_ORIGIN, "Access-Control-Request-Method": "POST"})
        refused = client.raw("OPTIONS", "/api/v1/apikeys", headers={"Origin": "http://evil.test"})
        listed = self.script().call("GET", "/auth/me", headers={"Origin": CORS_ORIGIN})
        other = self.script().call("GET", "/auth/me", headers={"Origin": "http://evil.test"})

        self.assertEqual(preflight.status, 204)
        self.assertEqual(preflight.header("Access-Control-Allow-Origin"), CORS_ORIGIN)
        self.assertIn("X-CSRFToken", preflight.header("Access-Control-Allow-Headers"))
        self.assertEqual(refused.status, 403)
        self.assertEqual(listed.header("Access-Control-Allow-Origin"), CORS_ORIGIN)
        self.assertEqual(listed.header("Access-Control-Allow-Credentials"), "true")
        self.assertIsNone(other.header("Access-Control-Allow-Origin"))

    # MFA.

    def test_mfa_enrolment_login_and_disable(self):
        self.make_user("mfa-user", "mfa-password-1")
        browser = self.signed_in("mfa-user", "mfa-password-1")

        begun = browser.call("POST", "/mfa/totp/begin")
        self.assertEqual(begun.status, 200, begun.body)
        secret = begun.json["secret"]
        self.assertTrue(begun.json["otpauth_uri"].startswith("otpauth://totp/"))
        self.assertIn("secret=" + secret.rstrip("="), begun.json["otpauth_uri"])
        wrong = browser.call("POST", "/mfa/totp/confirm", {"code": "000000"
                             if totp(secret) != "000000" else "111111"})
        self.assertEqual(wrong.status, 400)
        self.assertIn("code", wrong.json["message"])
        confirmed = browser.call("POST", "/mfa/totp/confirm", {"code": totp(secret)})
        self.assertEqual(confirmed.status, 200, confirmed.body)
        recovery = confirmed.json["recovery_codes"]
        self.assertEqual(len(recovery), 10)
        again = browser.call("POST", "/mfa/totp/begin")
        self.assertEqual(again.status, 400)
        self.assertTrue(browser.call("GET", "/auth/me").json["mfa_enabled"])
        browser.call("POST", "/auth/logout")

        # The password alone grants no session.
        second = self.client()
        step_one = second.login("mfa-user", "mfa-password-1")
        self.assertEqual(step_one.status, 200, step_one.body)
        self.assertEqual(step_one.json, {"mfa_required": True})
        self.assertEqual(second.call("GET", "/auth/me").status, 401)
        self.assertEqual(second.call("GET", "/apikeys").status, 401)
        self.assertEqual(second.call("POST", "/apikeys", {"name": "x"}).status, 401)
        bad_code = second.call("POST", "/auth/login/totp", {"code": "12345x"})
        self.assertEqual(bad_code.status, 401)
        # The confirmation used the current step; the next step is still valid.
        good = second.call("POST", "/auth/login/totp", {"code": totp(secret, time.time() + 30)})
        self.assertEqual(good.status, 200, good.body)
        self.assertEqual(good.json["user"]["username"], "mfa-user")
        self.assertEqual(second.call("GET", "/auth/me").status, 200)

        # A recovery code works once.
        third = self.client()
        third.login("mfa-user", "mfa-password-1")
        used = third.call("POST", "/auth/login/totp", {"code": recovery[0]})
        self.assertEqual(used.status, 200, used.body)
        fourth = self.client()
        fourth.login("mfa-user", "mfa-password-1")
        reused = fourth.call("POST", "/auth/login/totp", {"code": recovery[0]})
        self.assertEqual(reused.status, 401)

        # No totp step without a password first.
        fresh = self.client()
        self.assertEqual(fresh.call("POST", "/auth/login/totp", {"code": recovery[1]}).status, 401)

        # Disabling needs a valid code.
        refused = third.call("POST", "/mfa/disable", {"code": "not-a-code"})
        self.assertEqual(refused.status, 400)
        disabled = third.call("POST", "/mfa/disable", {"code": recovery[2]})
        self.assertEqual(disabled.status, 200, disabled.body)
        self.assertFalse(third.call("GET", "/auth/me").json["mfa_enabled"])
        actions = {entry["action"] for entry in self.audit(username="mfa-user")["items"]}
        self.assertTrue({"begin_mfa", "enable_mfa", "disable_mfa", "login"} <= actions)

    # Users.

    def test_user_create_update_and_permissions(self):
        script = self.script()
        created = self.make_user("plain-user", "plain-password-1")
        duplicate = script.call("POST", "/users", {"username": "plain-user",
                                                   "password": "another-pass-1"})
        listed = script.call("GET", "/users?limit=1000")
        unknown = script.call("PUT", "/users/999999", {"email": "a@b.test"})
        not_a_number = script.call("GET", "/users/abc")

        self.assertFalse(created["is_superuser"])
        self.assertFalse(created["mfa_enabled"])
        self.assertNotIn("password_hash", created)
        self.assertEqual(duplicate.status, 403)
        self.assertEqual(duplicate.json["id"], created["id"])
        self.assertIn("username", duplicate.json["message"])
        self.assertIn("plain-user", [user["username"] for user in listed.json["items"]])
        self.assertEqual(unknown.status, 404)
        self.assertEqual(not_a_number.status, 404)

        user = self.signed_in("plain-user", "plain-password-1")
        self.assertEqual(user.call("GET", "/users").status, 403)
        self.assertEqual(user.call("POST", "/users", {"username": "x", "password": "12345678"})
                         .status, 403)
        own = user.call("PUT", f"/users/{created['id']}", {"email": "new@example.test"})
        self.assertEqual(own.status, 200, own.body)
        self.assertEqual(own.json["email"], "new@example.test")
        promote = user.call("PUT", f"/users/{created['id']}", {"is_superuser": True})
        self.assertEqual(promote.status, 403)
        other = user.call("PUT", "/users/1", {"email": "x@example.test"})
        self.assertEqual(other.status, 403)

        entries = self.audit(action="update", resource_type="user")
        entry = [e for e in entries["items"] if e["resource_id"] == str(created["id"])][0]
        self.assertEqual(entry["before"]["email"], "plain-user@example.test")
        self.assertEqual(entry["after"]["email"], "new@example.test")
        detail = script.call("GET", f"/auditlog/{entry['id']}")
        self.assertEqual(detail.json, entry)

    def test_user_validation(self):
        script = self.script()
        cases = {
            "is_superuser": script.call("POST", "/users", {"username": "v1", "password":
                                                           "password-1", "is_superuser": "yes"}),
            "password": script.call("POST", "/users", {"username": "v2", "password": "short"}),
            "username": script.call("POST", "/users", {"username": "bad name!",
                                                       "password": "password-1"}),
            "email": script.call("POST", "/users", {"username": "v3", "password": "password-1",
                                                    "email": "not-an-address"}),
            "nickname": script.call("POST", "/users", {"username": "v4", "password": "password-1",
                                                       "nickname": "x"}),
            "password ": script.call("PUT", "/users/1", {"password": "short"}),
            "Content-Type": script.call("POST", "/users", "username=x",
                                        headers={"Content-Type": "application/x-www-form-urlencoded"}),
        }
        for field, response in cases.items():
            with self.subTest(field=field):
                self.assertEqual(response.status, 400, response.body)
                self.assertIn(field.strip(), response.json["message"])

    def test_superuser_cannot_lock_itself_out(self):
        admin = self.signed_in()
        me = admin.call("GET", "/auth/me").json

        deactivate = admin.call("PUT", f"/users/{me['id']}", {"is_active": False})
        demote = admin.call("PUT", f"/users/{me['id']}", {"is_superuser": False})

        self.assertEqual(deactivate.status, 400)
        self.assertIn("is_active", deactivate.json["message"])
        self.assertEqual(demote.status, 400)

    def test_deactivated_user_loses_access(self):
        user = self.make_user("leaving-user", "leaving-password-1")
        browser = self.signed_in("leaving-user", "leaving-password-1")
        key = browser.call("POST", "/apikeys", {"name": "leaving"}).json["key"]

        update = self.script().call("PUT", f"/users/{user['id']}", {"is_active": False})

        self.assertEqual(update.status, 200, update.body)
        self.assertFalse(update.json["is_active"])
        self.assertEqual(browser.call("GET", "/auth/me").status, 401)
        self.assertEqual(self.client(key).call("GET", "/auth/me").status, 401)
        self.assertEqual(self.client().login("leaving-user", "leaving-password-1").status, 401)

    # Audit log.

    def test_audit_log_filters_and_paging(self):
        script = self.script()
        script.call("POST", "/apikeys", {"name": "audit one"})
        script.call("POST", "/apikeys", {"name": "audit two"})

        page = script.call("GET", "/auditlog?resource_type=api_key&limit=1&offset=1")
        future = script.call("GET", "/auditlog?since=2999-01-01T00:00:00.000Z")
        past = script.call("GET", "/auditlog?until=2000-01-01T00:00:00Z")
        recent = script.call("GET", f"/auditlog?since={int(time.time()) - 3600}")
        bad_since = script.call("GET", "/auditlog?since=yesterday")
        bad_limit = script.call("GET", "/auditlog?limit=0")
        bad_offset = script.call("GET", "/auditlog?offset=-1")
        missing = script.call("GET", "/auditlog/999999")

        self.assertEqual(page.status, 200)
        self.assertEqual(len(page.json["items"]), 1)
        self.assertGreaterEqual(page.json["count"], 2)
        self.assertEqual(future.json["count"], 0)
        self.assertEqual(past.json["count"], 0)
        self.assertGreater(recent.json["count"], 0)
        self.assertEqual(bad_since.status, 400)
        self.assertIn("since", bad_since.json["message"])
        self.assertEqual(bad_limit.status, 400)
        self.assertIn("limit", bad_limit.json["message"])
        self.assertEqual(bad_offset.status, 400)
        self.assertEqual(missing.status, 404)

    # Publishing and status.

    def served_once_fresh(self, path, expected, wait_seconds=5):
        """Return the body the federation server serves at `path`, read again while it
        differs from `expected`, because a server started by an earlier test caches
        published documents for cache_ttl."""
        deadline = time.monotonic() + wait_seconds
        while True:
            connection = http.client.HTTPConnection("127.0.0.1", self.inmor_port, timeout=10)
            try:
                connection.request("GET", path)
                body = connection.getresponse().read().decode()
            finally:
                connection.close()
            if body == expected or time.monotonic() >= deadline:
                return body
            time.sleep(0.2)

    def test_publish_entity_configuration_reaches_federation_server(self):
        script = self.script()
        published = script.call("POST", "/server/entity")
        historical = script.call("POST", "/server/historical_keys")
        self.assertEqual(published.status, 200, published.body)
        self.assertEqual(historical.status, 200, historical.body)
        self.start_inmor()

        entity_configuration = self.served_once_fresh("/.well-known/openid-federation",
                                                      published.json["entity_configuration"])
        historical_keys = self.served_once_fresh("/historical_keys",
                                                 historical.json["historical_keys"])
        status = script.call("GET", "/server/status")

        self.assertEqual(entity_configuration, published.json["entity_configuration"])
        self.assertEqual(historical_keys, historical.json["historical_keys"])
        claims = decode_jwt_payload(entity_configuration)
        self.assertEqual(claims["iss"], self.domain)
        self.assertEqual(claims["exp"], published.json["exp"])
        self.assertEqual(status.status, 200)
        self.assertEqual(status.json["health"], {"status": "ok"})
        self.assertEqual(status.json["entity_configuration"]["jwt"], entity_configuration)
        self.assertEqual(status.json["entity_configuration"]["payload"]["exp"], claims["exp"])
        self.assertEqual(len(status.json["public_keys"]), 1)
        self.assertTrue(status.json["keys"]["historical_keys_available"])
        self.assertEqual(status.json["historical_keys"]["keys"], [])
        entries = self.audit(action="publish", resource_type="entity_configuration")
        self.assertEqual(entries["items"][0]["after"]["exp"], claims["exp"])

    def test_federation_health_of_running_server(self):
        self.start_inmor()
        direct = http.client.HTTPConnection("127.0.0.1", self.inmor_port, timeout=10)
        self.addCleanup(direct.close)

        response = self.script().call("GET", "/server/federation_health")
        direct.request("GET", "/status")
        served_status = json.loads(direct.getresponse().read())

        self.assertEqual(response.status, 200, response.body)
        health = response.json
        self.assertTrue(health["configured"])
        self.assertEqual(health["url"], self.domain)
        self.assertTrue(health["reachable"])
        self.assertTrue(health["healthy"])
        self.assertEqual(health["http_status"], 200)
        self.assertEqual(health["health"], {"status": "ok"})
        self.assertIsNone(health["error"], health["error"])
        self.assertIsInstance(health["latency_ms"], int)
        self.assertGreaterEqual(health["latency_ms"], 0)
        self.assertLess(health["latency_ms"], 2000)
        self.assertEqual(health["status"]["entity_id"], self.domain)
        self.assertEqual(health["status"]["status"], "ok")
        self.assertEqual(health["status"]["version"], served_status["version"])
        self.assertEqual(health["status"]["keys"], served_status["keys"])

    def test_collection_from_the_store(self):
        result = subprocess.run([SEED, "populate", self.config], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        script = self.script()

        everything = script.call("GET", "/collection")
        providers = script.call("GET", "/collection?entity_type=openid_provider")
        named = script.call("GET", "/collection?query=shop%20beta")
        paged = script.call("GET", "/collection?limit=2&offset=4")
        bad = script.call("GET", "/collection?limit=abc")
        status = script.call("GET", "/server/status")

        self.assertEqual(everything.status, 200, everything.body)
        self.assertEqual(everything.json["count"], 5)
        self.assertEqual(everything.json["trust_anchor"], self.domain)
        self.assertIsInstance(everything.json["last_updated"], int)
        leaf = [e for e in everything.json["items"] if e["entity_id"] == "https://leaf.ia1.test"]
        self.assertEqual(leaf[0]["superiors"], ["https://ia1.test"])
        self.assertIn("openid_provider", leaf[0]["entity_types"])
        self.assertEqual(sorted(e["entity_id"] for e in providers.json["items"]),
                         ["https://leaf.ia1.test", "https://op1.test"])
        self.assertEqual([e["entity_id"] for e in named.json["items"]], ["https://rp2.test/path"])
        self.assertEqual(paged.json["count"], 5)
        self.assertEqual(len(paged.json["items"]), 1)
        self.assertEqual(bad.status, 400)
        self.assertEqual(status.json["collection"]["total_entities"], 5)
        self.assertEqual(status.json["collection"]["openid_providers"], 2)

    # Documentation.

    def test_openapi_lists_every_route(self):
        response = self.script().call("GET", "/openapi.json")

        self.assertEqual(response.status, 200)
        document = response.json
        self.assertEqual(document["openapi"], "3.1.0")
        for path, method in [("/auth/login", "post"), ("/users/{id}", "put"),
                             ("/apikeys/{id}", "delete"), ("/auditlog", "get"),
                             ("/server/entity", "post"), ("/collection", "get"),
                             ("/server/federation_health", "get"),
                             ("/mfa/totp/confirm", "post"), ("/docs", "get")]:
            with self.subTest(route=f"{method} {path}"):
                self.assertTrue(document["paths"][path][method]["summary"])
        self.assertEqual(document["paths"]["/auth/login"]["post"]["security"], [])

    def test_docs_page_loads_nothing_from_elsewhere(self):
        response = self.script().call("GET", "/docs")

        self.assertEqual(response.status, 200)
        self.assertTrue(response.header("Content-Type").startswith("text/html"))
        self.assertIn("default-src 'none'", response.header("Content-Security-Policy"))
        self.assertNotIn("src=", response.body)
        self.assertNotIn("<link", response.body)
        self.assertIn("/server/entity", response.body)

    # Static web UI.

    def test_static_ui_files_and_fallback(self):
        client = self.client()
        index = client.raw("GET", "/")
        script = client.raw("GET", "/assets/app-3f2a1b.js")
        style = client.raw("GET", "/assets/style-9c8d7e.css")
        route = client.raw("GET", "/trustmarks")
        missing_asset = client.raw("GET", "/assets/missing-000000.js")
        other_api = client.raw("GET", "/api/v2/users")
        post = client.raw("POST", "/")

        self.assertEqual(index.status, 200)
        self.assertIn("Admin UI", index.body)
        self.assertTrue(index.header("Content-Type").startswith("text/html"))
        self.assertEqual(index.header("Cache-Control"), "no-cache")
        self.assertTrue(script.header("Content-Type").startswith("text/javascript"))
        self.assertIn("immutable", script.header("Cache-Control"))
        self.assertTrue(style.header("Content-Type").startswith("text/css"))
        self.assertEqual(route.status, 200)
        self.assertIn("Admin UI", route.body)
        self.assertEqual(missing_asset.status, 404)
        self.assertEqual(other_api.status, 404)
        self.assertIn("no such API route", other_api.json["message"])
        self.assertEqual(post.status, 405)

    def test_static_ui_rejects_path_traversal(self):
        client = self.client()
        for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt",
                     "/..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
                     "/assets/..%5c..%5csecret.txt"]:
            with self.subTest(path=path):
                response = client.raw("GET", path)
                self.assertNotIn(SECRET_OUTSIDE_UI, response.body)
                self.assertIn(response.status, (400, 404))

    def test_metrics_count_requests_by_route(self):
        self.script().call("GET", "/auth/me")
        connection = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=10)
        self.addCleanup(connection.close)
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()

        self.assertIn('inmor_http_requests_total{route="/api/v1/auth/me",status="200"}', text)

    def test_metrics_include_durable_data_gauges(self):
        connection = http.client.HTTPConnection("127.0.0.1", self.metrics_port, timeout=10)
        self.addCleanup(connection.close)
        connection.request("GET", "/metrics")
        text = connection.getresponse().read().decode()

        self.assertIn("# TYPE inmor_admin_subordinates_pending gauge", text)
        self.assertIn("\ninmor_admin_subordinates_pending 0\n", text)
        self.assertIn("# TYPE inmor_admin_scheduler_runs_total counter", text)


class ServeStartTest(unittest.TestCase):
    """Start-up checks and signals of `inmor-admin serve` (on SQLite)."""

    def setUp(self):
        self.home = pathlib.Path(tempfile.mkdtemp(prefix="inmor-admin-start-"))
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)
        subprocess.run([KEYGEN, "--type=ES256", f"--output={self.home}"], check=True,
                       capture_output=True)
        self.port = free_port()

    def write_config(self, allow_http="true", admin_extra=""):
        path = self.home / "taconfig.toml"
        path.write_text(
            'domain = "https://ta.test"\n'
            f"allow_http = {allow_http}\n"
            'data_dir = "data"\n'
            'metrics_listen = ""\n'
            "[admin]\n"
            f'listen = "127.0.0.1:{self.port}"\n'
            'metrics_listen = ""\n'
            + admin_extra)
        return str(path)

    def serve_fails(self, config):
        result = subprocess.run([ADMIN, "-c", config, "serve"], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 1, result.stderr)
        return result.stderr

    def test_refuses_empty_secret_key_outside_development(self):
        stderr = self.serve_fails(self.write_config(allow_http="false"))

        self.assertIn("admin.secret_key", stderr)

    def test_refuses_ui_dir_without_index(self):
        (self.home / "empty-ui").mkdir()

        stderr = self.serve_fails(self.write_config(admin_extra='ui_dir = "empty-ui"\n'))

        self.assertIn("admin.ui_dir", stderr)

    def test_refuses_malformed_trusted_origin(self):
        stderr = self.serve_fails(self.write_config(
            admin_extra='csrf_trusted_origins = ["admin.example.org"]\n'))

        self.assertIn("admin.csrf_trusted_origins[0]", stderr)

    def test_refuses_busy_port(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", self.port))
            busy.listen()
            stderr = self.serve_fails(self.write_config())

        self.assertIn("admin.listen", stderr)

    def test_forwarded_headers_ignored_from_untrusted_peer(self):
        config = self.write_config(admin_extra="session_cookie_secure = false\n")
        with open(self.home / "admin.log", "wb") as log:
            process = subprocess.Popen([ADMIN, "-c", config, "serve"], stdout=log, stderr=log)
        self.addCleanup(process.wait, 30)
        self.addCleanup(process.terminate)
        AdminApiTest.wait_until_up(self.port, "/api/v1/auth/csrf", process)

        client = Client(self.port, "203.0.113.9")
        csrf = client.raw("GET", "/api/v1/auth/csrf", headers={"X-Forwarded-Proto": "https"})
        client.login("nobody", "wrong-password")
        with sqlite3.connect(self.home / "data" / "admin.db") as connection:
            addresses = connection.execute(
                "SELECT client_address FROM audit_log WHERE action = 'login'").fetchall()
        connection.close()

        self.assertNotIn("Secure", csrf.header("Set-Cookie"))
        self.assertEqual(addresses, [("127.0.0.1",)])

    def test_stops_cleanly_on_sigterm_and_ignores_sighup(self):
        config = self.write_config()
        with open(self.home / "admin.log", "wb") as log:
            process = subprocess.Popen([ADMIN, "-c", config, "serve"], stdout=log, stderr=log)
        self.addCleanup(lambda: process.poll() is None and process.kill())
        AdminApiTest.wait_until_up(self.port, "/api/v1/auth/csrf", process)

        process.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        still_running = process.poll() is None
        process.terminate()
        status = process.wait(timeout=30)

        self.assertTrue(still_running)
        self.assertEqual(status, 0)
        self.assertIn("admin stopped", (self.home / "admin.log").read_text())


class StandInHandler(http.server.BaseHTTPRequestHandler):
    """Sends the response `replies` maps the path to ((status, body)), else 404."""

    replies = {}

    def do_GET(self):
        status, body = self.replies.get(self.path, (404, b'{"status":"error"}'))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if status in (301, 302):
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


class FederationHealthTest(unittest.TestCase):
    """GET /server/federation_health when the federation server is absent, down,
    failing or misbehaving, and the checks of federation_server_url at start."""

    def setUp(self):
        self.home = pathlib.Path(tempfile.mkdtemp(prefix="inmor-admin-fedhealth-"))
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)
        subprocess.run([KEYGEN, "--type=ES256", f"--output={self.home}"], check=True,
                       capture_output=True)
        self.port = free_port()

    def write_config(self, server_url=None):
        line = "" if server_url is None else f'federation_server_url = "{server_url}"\n'
        path = self.home / "taconfig.toml"
        path.write_text(
            'domain = "https://ta.test"\n'
            "allow_http = true\n"
            'data_dir = "data"\n'
            'metrics_listen = ""\n'
            "[admin]\n"
            f'listen = "127.0.0.1:{self.port}"\n'
            'metrics_listen = ""\n'
            + line)
        return str(path)

    def serve(self, server_url):
        """Start the admin with `server_url` and return a client with an API key."""
        config = self.write_config(server_url)
        for arguments, env in [(["setup_admin", "--username", "admin", "--noinput"],
                                {"INMOR_ADMIN_PASSWORD": ADMIN_PASSWORD}),
                               (["apikey", "create", "--username", "admin"], {})]:
            result = subprocess.run([ADMIN, "-c", config, *arguments], capture_output=True,
                                    text=True, timeout=120, env={**os.environ, **env})
            self.assertEqual(result.returncode, 0, result.stderr)
        key = result.stdout.strip()
        with open(self.home / "admin.log", "wb") as log:
            process = subprocess.Popen([ADMIN, "-c", config, "serve"], stdout=log, stderr=log)
        self.addCleanup(process.wait, 30)
        self.addCleanup(process.terminate)
        AdminApiTest.wait_until_up(self.port, "/api/v1/auth/csrf", process)
        return Client(self.port, "127.0.0.1", key)

    def stand_in(self, replies):
        """Start a loopback HTTP server that sends `replies` and return its base URL."""
        handler = type("Replies", (StandInHandler,), {"replies": replies})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_address[1]}"

    def health(self, client):
        started = time.monotonic()
        response = client.call("GET", "/server/federation_health")
        self.assertEqual(response.status, 200, response.body)
        return response.json, time.monotonic() - started

    def test_closed_port_is_unreachable(self):
        closed = f"http://127.0.0.1:{free_port()}"
        client = self.serve(closed)

        health, elapsed = self.health(client)

        self.assertTrue(health["configured"])
        self.assertEqual(health["url"], closed)
        self.assertFalse(health["reachable"])
        self.assertFalse(health["healthy"])
        self.assertIsNone(health["http_status"])
        self.assertIsNone(health["health"])
        self.assertIsNone(health["status"])
        self.assertIsNone(health["latency_ms"])
        self.assertIn(f"{closed}/health", health["error"])
        self.assertLess(elapsed, 5)
        self.assertIn("federation server check failed", (self.home / "admin.log").read_text())

    def test_not_configured_sends_nothing(self):
        client = self.serve(None)

        health, _ = self.health(client)

        self.assertEqual(health, {"configured": False, "url": None, "reachable": False,
                                  "healthy": False, "http_status": None, "health": None,
                                  "status": None, "latency_ms": None, "error": None})

    def test_failing_store_is_reachable_but_unhealthy(self):
        url = self.stand_in({
            "/health": (503, b'{"status":"error","detail":"redis unavailable"}'),
            "/status": (500, b'{"error":"server_error"}'),
        })
        client = self.serve(url + "/")

        health, _ = self.health(client)

        self.assertTrue(health["reachable"])
        self.assertFalse(health["healthy"])
        self.assertEqual(health["http_status"], 503)
        self.assertEqual(health["health"], {"status": "error", "detail": "redis unavailable"})
        self.assertIsNone(health["status"])
        self.assertIsInstance(health["latency_ms"], int)
        self.assertIn("redis unavailable", health["error"])
        self.assertIn(f"{url}/status", health["error"])

    def test_oversized_and_redirected_answers(self):
        url = self.stand_in({
            "/health": (200, b'{"status":"ok","padding":"' + b"x" * 300_000 + b'"}'),
            "/status": (302, b""),
        })
        client = self.serve(url)

        health, _ = self.health(client)

        self.assertTrue(health["reachable"])
        self.assertFalse(health["healthy"])
        self.assertIsNone(health["http_status"])
        self.assertIsInstance(health["latency_ms"], int)
        self.assertIsNone(health["status"])
        self.assertIn(f"{url}/health", health["error"])
        self.assertIn("larger than 262144 bytes", health["error"])
        self.assertIn("redirect", health["error"])

    def test_non_json_status_is_reported(self):
        url = self.stand_in({"/health": (200, b'{"status":"ok"}'), "/status": (200, b"<html>")})
        client = self.serve(url)

        health, _ = self.health(client)

        self.assertTrue(health["healthy"])
        self.assertIsNone(health["status"])
        self.assertIn("no JSON object", health["error"])

    def test_refuses_invalid_url(self):
        config = self.write_config("ftp://ta.test")

        result = subprocess.run([ADMIN, "-c", config, "serve"], capture_output=True, text=True,
                                timeout=60)

        self.assertEqual(result.returncode, 1, result.stderr)
        self.assertIn("admin.federation_server_url", result.stderr)


if __name__ == "__main__":
    unittest.main()
