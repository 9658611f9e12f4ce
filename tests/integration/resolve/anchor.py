"""The real `inmor` as the trust anchor of a Python test federation.

The anchor's keys are made here; its entity configuration and subordinate
statements are signed here and written into its store with
resolve_store_tool, as the admin would publish them.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

from federation import ENTITY_STATEMENT, Key

INMOR_BIN = os.environ.get("INMOR_BIN", "inmor")
STORE_TOOL = os.environ.get("RESOLVE_STORE_TOOL", "resolve_store_tool")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quote(value):
    return urllib.parse.quote(value, safe="")


class Anchor:
    """A workspace (keys, taconfig.toml, store) and the inmor process serving it."""

    def __init__(self, redis_uri=None, extra_config="", resolve_config="", port=None,
                 directory=None, key=None, domain=None, allow_http=True, launcher=()):
        self.dir = directory or tempfile.mkdtemp(prefix="inmor-resolve-test-")
        self.owns_dir = directory is None
        self.port = port or free_port()
        self.entity_id = domain or f"http://127.0.0.1:{self.port}"
        self.allow_http = allow_http
        self.launcher = list(launcher)
        self.key = key or Key()
        self.redis_uri = redis_uri
        self.process = None
        self.log = None
        os.makedirs(os.path.join(self.dir, "publickeys"), exist_ok=True)
        with open(os.path.join(self.dir, "private.json"), "w") as handle:
            json.dump(self.key.private_jwk(), handle)
        os.chmod(os.path.join(self.dir, "private.json"), 0o600)
        with open(os.path.join(self.dir, "publickeys", self.key.kid + ".json"), "w") as handle:
            json.dump(self.key.public_jwk(), handle)
        self.write_config(extra_config, resolve_config)

    @property
    def config_path(self):
        return os.path.join(self.dir, "taconfig.toml")

    def write_config(self, extra_config="", resolve_config=""):
        lines = [
            f'domain = "{self.entity_id}"',
            f'listen = "127.0.0.1:{self.port}"',
            'metrics_listen = ""',
            f"allow_http = {'true' if self.allow_http else 'false'}",
            "cache_ttl = 1",
        ]
        if self.redis_uri:
            lines.append(f'redis_uri = "{self.redis_uri}"')
        lines.append(extra_config)
        lines += ["[fetch]", "retries = 0", "total_timeout = 5", "[limits]",
                  "resolve_per_minute = 0", "[resolve]", resolve_config]
        with open(self.config_path, "w") as handle:
            handle.write("\n".join(lines) + "\n")

    def start(self):
        self.log = open(os.path.join(self.dir, f"server-{self.port}.log"), "ab")
        self.process = subprocess.Popen([*self.launcher, INMOR_BIN, "-c", self.config_path],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("inmor exited early: " + self.log_text())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("inmor does not listen")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log:
            self.log.close()

    def remove(self):
        if self.owns_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def log_text(self):
        path = os.path.join(self.dir, f"server-{self.port}.log")
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")

    # --- the store ---------------------------------------------------------

    def store(self, *args):
        subprocess.run([STORE_TOOL, self.config_path, *args], check=True, capture_output=True,
                       timeout=30)

    def publish_configuration(self, extra=None, lifetime=3600):
        now = int(time.time())
        claims = {
            "iss": self.entity_id, "sub": self.entity_id, "iat": now, "exp": now + lifetime,
            "jwks": self.key.jwks(),
            "metadata": {"federation_entity": {
                "federation_fetch_endpoint": self.entity_id + "/fetch",
                "federation_list_endpoint": self.entity_id + "/list",
                "federation_resolve_endpoint": self.entity_id + "/resolve",
                "federation_trust_mark_status_endpoint": self.entity_id + "/trust_mark_status",
                "organization_name": "Resolve test anchor"}},
        }
        claims.update(extra or {})
        token = self.key.sign(claims)
        self.store("set", "inmor:entity_id", token)
        return token

    def publish_subordinate(self, entity, extra=None, lifetime=3600, jwt=None):
        now = int(time.time())
        claims = {"iss": self.entity_id, "sub": entity.entity_id, "iat": now,
                  "exp": now + lifetime, "jwks": entity.key.jwks()}
        claims.update(extra or {})
        token = jwt or self.key.sign(claims)
        self.store("hset", "inmor:subordinates", entity.entity_id, token)
        return token

    def remove_subordinate(self, entity):
        self.store("hdel", "inmor:subordinates", entity.entity_id)

    # --- HTTP --------------------------------------------------------------

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def resolve(self, sub, anchors=None, entity_types=()):
        anchors = [self.entity_id] if anchors is None else anchors
        query = "sub=" + quote(sub)
        query += "".join("&trust_anchor=" + quote(anchor) for anchor in anchors)
        query += "".join("&entity_type=" + quote(kind) for kind in entity_types)
        return self.request("GET", "/resolve?" + query)

    def wait_for_fetch(self, entity_id, expect=200, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _, _ = self.request("GET", "/fetch?sub=" + quote(entity_id))
            if status == expect:
                return
            time.sleep(0.05)
        raise AssertionError(f"/fetch of {entity_id} never answered {expect}")

    def wait_for_configuration(self, expected=None, timeout=10):
        """Wait until the configuration is served (`expected` exactly, if given)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, headers, body = self.request("GET", "/.well-known/openid-federation")
            if (status == 200 and headers.get("Content-Type") == ENTITY_STATEMENT and
                    (expected is None or body.decode() == expected)):
                return
            time.sleep(0.05)
        raise AssertionError("the anchor's configuration was never served")
