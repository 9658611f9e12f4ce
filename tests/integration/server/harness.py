"""Start the real inmor binary on a free loopback port and talk HTTP to it.

Paths of the binaries come from the environment (set by ctest):
INMOR_BIN (the server) and INMOR_SEED (the store-layer seeding tool).
"""

import base64
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

INMOR_BIN = os.environ.get("INMOR_BIN", "inmor")
INMOR_SEED = os.environ.get("INMOR_SEED", "inmor_seed")
DOMAIN = "https://ta.test"
MEMBER = "https://ta.test/tm/member"
CERTIFIED = "https://ta.test/tm/certified"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process=None, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def decode_segment(segment):
    segment += "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(segment))


def jwt_claims(token):
    return decode_segment(token.split(".")[1])


def jwt_header(token):
    return decode_segment(token.split(".")[0])


def redis_url_with_db(url, db):
    """The same Redis with another database number, so tests own their data."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, f"/{db}", "", ""))


def redis_cli(url, *args, check=True):
    return subprocess.run(["redis-cli", "-u", url, *args], check=check, capture_output=True,
                          text=True, timeout=30)


class Workspace:
    """A temporary folder with keys and a taconfig.toml."""

    def __init__(self, redis_uri=None, extra_config=""):
        self.dir = tempfile.mkdtemp(prefix="inmor-server-test-")
        self.port = free_port()
        self.metrics_port = free_port()
        self.redis_uri = redis_uri
        subprocess.run([INMOR_SEED, "keys", self.dir, "ES256"], check=True, capture_output=True)
        self.write_config(extra_config)

    @property
    def config_path(self):
        return os.path.join(self.dir, "taconfig.toml")

    def write_config(self, extra_config="", organization_name="Test <Federation> & Co"):
        lines = [
            f'domain = "{DOMAIN}"',
            f'listen = "127.0.0.1:{self.port}"',
            f'metrics_listen = "127.0.0.1:{self.metrics_port}"',
            "cache_ttl = 1",
            "trust_mark_status_cache_seconds = 2",
        ]
        if self.redis_uri:
            lines.append(f'redis_uri = "{self.redis_uri}"')
        lines.append(extra_config)
        lines.append("[federation]")
        lines.append(f'organization_name = "{organization_name}"')
        with open(self.config_path, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")

    def seed(self):
        result = subprocess.run([INMOR_SEED, "populate", self.config_path], check=True,
                                capture_output=True, text=True, timeout=60)
        return json.loads(result.stdout)

    def sign(self, claims, typ="trust-mark+jwt"):
        result = subprocess.run([INMOR_SEED, "sign", self.config_path, json.dumps(claims), typ],
                                check=True, capture_output=True, text=True, timeout=60)
        return result.stdout.strip()

    def remove(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class Server:
    """One running inmor process."""

    def __init__(self, workspace, args=()):
        self.workspace = workspace
        self.log_path = os.path.join(workspace.dir, "server.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([INMOR_BIN, "-c", workspace.config_path, *args],
                                        stdout=self.log, stderr=subprocess.STDOUT)
        wait_for_port(workspace.port, self.process)

    def request(self, method, path, body=None, headers=None, port=None):
        connection = http.client.HTTPConnection("127.0.0.1", port or self.workspace.port,
                                                timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    def get_json(self, path):
        status, headers, body = self.get(path)
        return status, headers, json.loads(body)

    def post_form(self, path, fields, content_type="application/x-www-form-urlencoded"):
        body = urllib.parse.urlencode(fields)
        return self.request("POST", path, body=body, headers={"Content-Type": content_type})

    def log_text(self):
        self.log.flush()
        with open(self.log_path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")

    def signal(self, number):
        self.process.send_signal(number)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        return self.process.returncode

    def stop_checked(self):
        """Stop the server and assert it exited with 0 and logged no sanitizer report."""
        code = self.stop()
        with open(self.log_path, "rb") as handle:
            log = handle.read().decode("utf-8", "replace")
        assert code == 0, f"server exited with {code}"
        assert "AddressSanitizer" not in log, log
        assert "runtime error" not in log, log


class SharedServerCase:
    """Mixin for a test class that shares one seeded workspace and server.

    The server is stopped with stop_checked after the last test. Subclasses
    set `extra_config`, or override workspace_config to build it.
    """

    extra_config = ""

    @classmethod
    def workspace_config(cls):
        return cls.extra_config

    @classmethod
    def setUpClass(cls):
        cls.workspace = Workspace(extra_config=cls.workspace_config())
        cls.seeded = cls.workspace.seed()
        cls.server = Server(cls.workspace)
        cls.port = cls.workspace.port

    @classmethod
    def tearDownClass(cls):
        try:
            cls.server.stop_checked()
        finally:
            cls.workspace.remove()


def quote(value):
    return urllib.parse.quote(value, safe="")
