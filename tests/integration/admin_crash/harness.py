"""Shared parts of the admin crash and abuse tests: a deployment of the real
`inmor-admin serve` and `inmor` on loopback, subordinates played by real HTTP
servers on loopback, and clients for the admin API and the federation server.

The backend comes from ADMIN_CRASH_BACKEND:
- `sqlite`: durable data in SQLite, federation data in the embedded store;
- `postgres`: durable data in a schema of its own in INMOR_TEST_DATABASE_URL,
  federation data in a redis-server of its own on a free loopback port.
"""

import base64
import http.client
import http.server
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.parse
import uuid

from jwcrypto import jwk, jws

ADMIN = os.environ["INMOR_ADMIN_BIN"]
INMOR = os.environ["INMOR_BIN"]
KEYGEN = os.environ["INMOR_KEYGEN_BIN"]
BACKEND = os.environ.get("ADMIN_CRASH_BACKEND", "sqlite")
POSTGRES_URL = os.environ.get("INMOR_TEST_DATABASE_URL", "")
ADMIN_PASSWORD = "correct horse battery"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def decode_jwt_payload(token):
    segment = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def sanitizer_reports(text):
    """The lines of an ASan/UBSan report in a log, if any."""
    markers = ("ERROR: AddressSanitizer", "runtime error:", "ERROR: LeakSanitizer",
               "SUMMARY: UndefinedBehaviorSanitizer")
    return [line for line in text.splitlines() if any(m in line for m in markers)]


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name):
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def json(self):
        return json.loads(self.body)


def request(port, method, path, body=None, headers=None, timeout=60):
    """One HTTP exchange on a fresh connection to 127.0.0.1:port."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        all_headers = {"Host": f"127.0.0.1:{port}"}
        all_headers.update(headers or {})
        all_headers = {k: v for k, v in all_headers.items() if v is not None}
        connection.request(method, path, body=body, headers=all_headers)
        reply = connection.getresponse()
        return Reply(reply.status, reply.getheaders(), reply.read().decode("utf-8", "replace"))
    finally:
        connection.close()


class SubordinateHost:
    """A real HTTP server on loopback that plays many subordinates, one per
    path. Entity `http://127.0.0.1:PORT/eN` serves its entity configuration at
    `/eN/.well-known/openid-federation`, signed by its own EC key."""

    def __init__(self, anchor):
        self.anchor = anchor
        self.entities = {}
        self.lock = threading.Lock()
        host = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                entity_path = self.path.split("?")[0]
                suffix = "/.well-known/openid-federation"
                with host.lock:
                    entity = None
                    if entity_path.endswith(suffix):
                        entity = host.entities.get(entity_path[:-len(suffix)])
                if entity is not None and entity.get("delay"):
                    time.sleep(entity["delay"])
                if entity is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = host.signed_configuration(entity).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/entity-statement+jwt")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def add(self, name, delay=0):
        """Add a subordinate whose responses wait `delay` seconds, and return
        (entity id, its public JWKS as a dict)."""
        key = jwk.JWK.generate(kty="EC", crv="P-256", kid=f"{name}-key")
        path = f"/{name}"
        entity_id = f"http://127.0.0.1:{self.port}{path}"
        with self.lock:
            self.entities[path] = {"entity_id": entity_id, "key": key, "delay": delay}
        return entity_id, {"keys": [json.loads(key.export_public())]}

    def add_key(self, entity_id, delay=0):
        """Publish a new key beside the current one, still signing with the
        current key (a rotation the admin accepts on renewal), and make the
        entity's responses wait `delay` seconds."""
        new_key = jwk.JWK.generate(kty="EC", crv="P-256", kid=uuid.uuid4().hex)
        with self.lock:
            for entity in self.entities.values():
                if entity["entity_id"] == entity_id:
                    entity.setdefault("new_keys", []).append(
                        json.loads(new_key.export_public()))
                    entity["delay"] = delay

    def signed_configuration(self, entity):
        now = int(time.time())
        public = json.loads(entity["key"].export_public())
        published = [public] + entity.get("new_keys", [])
        claims = {
            "iss": entity["entity_id"], "sub": entity["entity_id"], "iat": now,
            "exp": now + 3600, "jwks": {"keys": published},
            "authority_hints": [self.anchor],
            "metadata": {"federation_entity": {"organization_name": "Crash test entity"}},
        }
        token = jws.JWS(json.dumps(claims).encode())
        token.add_signature(entity["key"], alg="ES256",
                            protected={"alg": "ES256", "typ": "entity-statement+jwt",
                                       "kid": public["kid"]})
        return token.serialize(compact=True)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class RedisServer:
    """A redis-server of our own on a free loopback port, stopped by PID."""

    def __init__(self, home):
        self.port = free_port()
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(home)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.cli("PING").strip() == "PONG":
                return
            time.sleep(0.1)
        raise AssertionError("redis-server did not answer within 30 s")

    def cli(self, *arguments):
        result = subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", str(self.port),
                                 *arguments], capture_output=True, text=True, timeout=30)
        return result.stdout

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Deployment:
    """One trust anchor: keys, configuration, durable database, federation
    store, and the two real processes."""

    def __init__(self, prefix):
        if BACKEND == "postgres" and not POSTGRES_URL:
            raise unittest.SkipTest("INMOR_TEST_DATABASE_URL is not set")
        self.home = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
        self.admin_port = free_port()
        self.inmor_port = free_port()
        self.domain = f"http://127.0.0.1:{self.inmor_port}"
        self.admin = None
        self.inmor = None
        self.logs = []
        self.schema = None
        self.redis = None
        if BACKEND == "postgres":
            self.schema = "inmor_admin_crash_" + uuid.uuid4().hex[:12]
            self.psql(f"CREATE SCHEMA {self.schema}")
            separator = "&" if "?" in POSTGRES_URL else "?"
            database_url = f"{POSTGRES_URL}{separator}options=-csearch_path%3D{self.schema}"
            self.redis = RedisServer(self.home)
            store = f'redis_uri = "redis://127.0.0.1:{self.redis.port}/0"\n'
        else:
            database_url = "sqlite:data/admin.db"
            store = ""
        subprocess.run([KEYGEN, "--type=ES256", f"--output={self.home}"], check=True,
                       capture_output=True)
        (self.home / "taconfig.toml").write_text(
            f'domain = "{self.domain}"\n'
            "allow_http = true\n"
            'data_dir = "data"\n'
            f"{store}"
            f'listen = "127.0.0.1:{self.inmor_port}"\n'
            'metrics_listen = ""\n'
            "cache_ttl = 1\n"
            "[limits]\n"
            "resolve_per_minute = 0\n"
            "trust_mark_status_per_minute = 0\n"
            "[federation]\n"
            "subordinate_statement_lifetime = 8760\n"
            "[admin]\n"
            f'listen = "127.0.0.1:{self.admin_port}"\n'
            'metrics_listen = ""\n'
            f'database_url = "{database_url}"\n'
            'secret_key = "crash-test-secret-key-not-for-production"\n'
            "session_cookie_secure = false\n"
            "[scheduler]\n"
            "enabled = false\n")
        self.config = str(self.home / "taconfig.toml")
        created = self.command("setup_admin", "--username", "admin", "--noinput",
                               env={"INMOR_ADMIN_PASSWORD": ADMIN_PASSWORD})
        assert created.returncode == 0, created.stderr
        key = self.command("apikey", "create", "--username", "admin")
        assert key.returncode == 0, key.stderr
        self.api_key = key.stdout.strip()

    def psql(self, statement):
        subprocess.run(["psql", POSTGRES_URL, "-v", "ON_ERROR_STOP=1", "-q", "-c", statement],
                       check=True, capture_output=True, timeout=60)

    def command(self, *arguments, env=None):
        return subprocess.run([ADMIN, "-c", self.config, *arguments], capture_output=True,
                              text=True, timeout=300, env={**os.environ, **(env or {})})

    def log_path(self, name):
        path = self.home / f"{name}-{len(self.logs)}.log"
        self.logs.append(path)
        return path

    def start_admin(self):
        with open(self.log_path("admin"), "wb") as log:
            self.admin = subprocess.Popen([ADMIN, "-c", self.config, "serve"], stdout=log,
                                          stderr=log)
        wait_until_up(self.admin_port, "/api/v1/auth/csrf", self.admin)

    def start_inmor(self):
        with open(self.log_path("inmor"), "wb") as log:
            self.inmor = subprocess.Popen([INMOR, "-c", self.config], stdout=log, stderr=log)
        wait_until_up(self.inmor_port, "/health", self.inmor)

    def start_replica(self):
        """A second `inmor-admin serve` on its own port, sharing the database
        and federation store; returns (process, port)."""
        port = free_port()
        text = pathlib.Path(self.config).read_text().replace(
            f'listen = "127.0.0.1:{self.admin_port}"', f'listen = "127.0.0.1:{port}"')
        replica_config = self.home / "replica.toml"
        replica_config.write_text(text)
        with open(self.log_path("replica"), "wb") as log:
            process = subprocess.Popen([ADMIN, "-c", str(replica_config), "serve"], stdout=log,
                                       stderr=log)
        wait_until_up(port, "/api/v1/auth/csrf", process)
        return process, port

    def kill_admin(self):
        self.admin.send_signal(signal.SIGKILL)
        self.admin.wait(timeout=30)
        self.admin = None

    def stop(self, attribute):
        process = getattr(self, attribute)
        if process is None:
            return None
        process.terminate()
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        setattr(self, attribute, None)
        return code

    def flush_federation_store(self):
        """Loses every published key: FLUSHDB on our own Redis, or deletes the
        embedded store file (the federation server is stopped first, as it
        would keep reading the deleted file)."""
        if self.redis:
            assert self.redis.cli("FLUSHDB").strip() == "OK"
            return
        self.stop("inmor")
        for suffix in ("", "-wal", "-shm"):
            path = self.home / "data" / f"federation.db{suffix}"
            if path.exists():
                path.unlink()

    def sanitizer_reports(self):
        found = []
        for path in self.logs:
            for line in sanitizer_reports(path.read_text(errors="replace")):
                found.append(f"{path.name}: {line}")
        return found

    def close(self):
        self.stop("admin")
        self.stop("inmor")
        if self.redis:
            self.redis.stop()
        if self.schema:
            self.psql(f"DROP SCHEMA {self.schema} CASCADE")
        shutil.rmtree(self.home, ignore_errors=True)

    # Clients.

    def api(self, method, path, payload=None, headers=None, timeout=60, port=None):
        """An admin API call with the API key (writes need no CSRF token), to
        the admin or to the replica on `port`."""
        all_headers = {"X-API-Key": self.api_key, "Accept": "application/json"}
        body = None
        if payload is not None:
            body = payload if isinstance(payload, (str, bytes)) else json.dumps(payload)
            if isinstance(body, str):
                body = body.encode("utf-8", "surrogatepass")
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        return request(port or self.admin_port, method, "/api/v1" + path, body, all_headers,
                       timeout)

    def federation(self, path, form=None):
        if form is None:
            return request(self.inmor_port, "GET", path)
        return request(self.inmor_port, "POST", path, urllib.parse.urlencode(form),
                       {"Content-Type": "application/x-www-form-urlencoded"})


def wait_until_up(port, path, process, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"process exited with {process.returncode}")
        try:
            request(port, "GET", path, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"no answer on port {port} within {seconds} s")
