"""The real `inmor` when its surroundings misbehave: broken configuration
and keys, its own Redis killed, flushed and restarted under load, the
embedded store deleted or locked, SIGHUP and SIGTERM under load.
"""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))

from harness import (INMOR_BIN, Server, Workspace, free_port, quote,  # noqa: E402
                     wait_for_port)

RP1 = "https://rp1.test"


def read_log(server):
    with open(server.log_path, "rb") as handle:
        return handle.read().decode("utf-8", "replace")


def check_config(workspace, timeout=60):
    return subprocess.run([INMOR_BIN, "--check-config", "-c", workspace.config_path],
                          capture_output=True, text=True, timeout=timeout)


class OwnRedis:
    """A redis-server of this test on a free loopback port, stopped by PID."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="fedbreak-redis-")
        self.port = free_port()
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--dir",
             self.dir, "--save", "", "--appendonly", "yes", "--protected-mode", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)

    def kill(self):
        self.process.kill()
        self.process.wait()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


class Load:
    """Keep-alive GET load on some paths in a few threads; records statuses."""

    def __init__(self, port, paths, threads=4):
        self.port = port
        self.paths = paths
        self.stop_event = threading.Event()
        self.statuses = []
        self.failures = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]
        for thread in self.threads:
            thread.start()

    def run(self):
        import http.client
        connection = None
        index = 0
        while not self.stop_event.is_set():
            path = self.paths[index % len(self.paths)]
            index += 1
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                with self.lock:
                    self.statuses.append((path, response.status))
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
            except (OSError, http.client.HTTPException) as error:
                with self.lock:
                    self.failures.append(repr(error))
                if connection is not None:
                    connection.close()
                connection = None
                time.sleep(0.01)
        if connection is not None:
            connection.close()

    def finish(self):
        self.stop_event.set()
        for thread in self.threads:
            thread.join(40)
        return self.statuses, self.failures


class ConfigEdges(unittest.TestCase):

    def setUp(self):
        self.workspace = Workspace()

    def tearDown(self):
        self.workspace.remove()

    def assert_refused(self, fragment):
        result = check_config(self.workspace)
        self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn(fragment, result.stdout + result.stderr)
        # The server itself refuses too, with the same message, and exits.
        started = subprocess.run([INMOR_BIN, "-c", self.workspace.config_path],
                                 capture_output=True, text=True, timeout=30)
        self.assertNotEqual(started.returncode, 0)
        self.assertIn(fragment, started.stdout + started.stderr)
        self.assertNotIn("AddressSanitizer", started.stderr)

    def append(self, text):
        with open(self.workspace.config_path, "a") as handle:
            handle.write(text)

    def test_toml_syntax_error(self):
        with open(self.workspace.config_path, "w") as handle:
            handle.write('domain = "https://ta.test\nlisten = [\n')
        self.assert_refused("taconfig.toml")

    def test_missing_public_keys_dir(self):
        shutil.rmtree(os.path.join(self.workspace.dir, "publickeys"))
        self.assert_refused("publickeys")

    def test_private_key_is_a_directory(self):
        path = os.path.join(self.workspace.dir, "private.json")
        os.remove(path)
        os.mkdir(path)
        self.assert_refused("private.json")

    def test_private_key_is_not_json(self):
        with open(os.path.join(self.workspace.dir, "private.json"), "w") as handle:
            handle.write("{not json")
        self.assert_refused("private.json")

    def test_private_key_is_empty_object(self):
        with open(os.path.join(self.workspace.dir, "private.json"), "w") as handle:
            handle.write("{}")
        self.assert_refused("private.json")

    def test_tls_key_is_garbage(self):
        cert = os.path.join(self.workspace.dir, "cert.pem")
        key = os.path.join(self.workspace.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=127.0.0.1",
                        "-keyout", key, "-out", cert, "-days", "1"],
                       check=True, capture_output=True)
        with open(key, "w") as handle:
            handle.write("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
        self.append(f'tls_cert = "{cert}"\ntls_key = "{key}"\n')
        # The key must come before [federation]: rewrite with the TLS lines on top.
        self.workspace.write_config(f'tls_cert = "{cert}"\ntls_key = "{key}"')
        self.assert_refused("tls_key")

    def test_absurd_numbers(self):
        for line, key in [("cache_ttl = -5", "cache_ttl"), ("server_threads = -1",
                                                            "server_threads"),
                          ("max_header_bytes = 0", "max_header_bytes"),
                          ("client_timeout = -1", "client_timeout"),
                          ("cache_ttl = 1e400", "cache_ttl")]:
            with self.subTest(line=line):
                self.workspace.write_config(line)
                self.assert_refused(key)


class RedisUnderLoad(unittest.TestCase):

    def setUp(self):
        self.redis = OwnRedis()
        self.workspace = Workspace(redis_uri=self.redis.url)
        self.seeded = self.workspace.seed()
        self.server = Server(self.workspace)
        self.port = self.workspace.port

    def tearDown(self):
        code = self.server.stop()
        log = read_log(self.server)
        self.redis.stop()
        self.workspace.remove()
        self.assertEqual(code, 0, log[-3000:])
        self.assertNotIn("AddressSanitizer", log)
        self.assertNotIn("runtime error:", log)

    def get(self, path):
        return self.server.get(path)

    def wait_status(self, path, expected, timeout):
        deadline = time.monotonic() + timeout
        status = None
        while time.monotonic() < deadline:
            status, _, _ = self.get(path)
            if status == expected:
                return status
            time.sleep(0.1)
        return status

    def test_kill_and_restart_under_load(self):
        paths = ["/fetch?sub=" + quote(RP1), "/list", "/.well-known/openid-federation",
                 "/trust_mark_list?trust_mark_type=" + quote("https://ta.test/tm/member")]
        load = Load(self.port, paths)
        time.sleep(1)
        self.redis.kill()
        self.assertEqual(self.wait_status("/health", 503, 10), 503)
        time.sleep(2)
        for path in paths:
            status, headers, body = self.get(path)
            self.assertIn(status, (200, 503), (path, body))
        self.redis.start()
        # The append-only file brought the data back; inmor reconnects.
        self.assertEqual(self.wait_status("/health", 200, 15), 200)
        self.assertEqual(self.wait_status("/fetch?sub=" + quote(RP1), 200, 10), 200)
        statuses, failures = load.finish()
        self.assertEqual(failures, [])
        bad = [s for s in statuses if s[1] not in (200, 503)]
        errors = [line for line in read_log(self.server).splitlines()
                  if "status=500" in line or "server_error" in line or " error " in line]
        self.assertEqual(bad, [], "\n".join(errors[:20]))

    def test_flush_under_load_is_noticed_within_cache_ttl(self):
        load = Load(self.port, ["/fetch?sub=" + quote(RP1), "/list"])
        time.sleep(0.5)
        subprocess.run(["redis-cli", "-u", self.redis.url, "FLUSHALL"], check=True,
                       capture_output=True)
        # cache_ttl is 1 s: allow a generous margin, then nothing stale.
        time.sleep(3)
        status, _, body = self.get("/fetch?sub=" + quote(RP1))
        self.assertEqual(status, 404, body)
        status, _, body = self.get("/list")
        self.assertEqual((status, json.loads(body)), (200, []))
        statuses, failures = load.finish()
        self.assertEqual(failures, [])
        self.assertEqual([s for s in statuses if s[1] >= 500], [])


class EmbeddedStoreUnderAttack(unittest.TestCase):

    def setUp(self):
        self.workspace = Workspace()
        self.seeded = self.workspace.seed()
        self.server = Server(self.workspace)
        self.db_path = None
        for root, _, files in os.walk(self.workspace.dir):
            for name in files:
                if name.endswith((".db", ".sqlite", ".sqlite3")) and "admin" not in name:
                    self.db_path = os.path.join(root, name)

    def tearDown(self):
        code = self.server.stop()
        log = read_log(self.server)
        self.workspace.remove()
        self.assertEqual(code, 0, log[-3000:])
        self.assertNotIn("AddressSanitizer", log)

    def test_locked_store_does_not_hang_or_500(self):
        self.assertIsNotNone(self.db_path)
        holder = sqlite3.connect(self.db_path, timeout=1, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            # Announce nothing; wait past cache_ttl so the server must look.
            time.sleep(1.5)
            for path in ["/fetch?sub=" + quote(RP1), "/list", "/health",
                         "/.well-known/openid-federation"]:
                started = time.monotonic()
                status, _, body = self.server.get(path)
                self.assertLess(time.monotonic() - started, 10, path)
                self.assertNotEqual(status, 500, (path, body))
        finally:
            holder.execute("ROLLBACK")
            holder.close()


class SignalsUnderLoad(unittest.TestCase):

    def setUp(self):
        self.workspace = Workspace()
        self.workspace.seed()
        self.server = Server(self.workspace)

    def tearDown(self):
        self.server.stop()
        self.workspace.remove()

    def test_sighup_storm_under_load_drops_nothing(self):
        load = Load(self.workspace.port, ["/fetch?sub=" + quote(RP1), "/list", "/health"])
        for _ in range(10):
            self.server.signal(signal.SIGHUP)
            time.sleep(0.2)
        statuses, failures = load.finish()
        self.assertEqual(failures, [])
        self.assertTrue(statuses)
        self.assertEqual([s for s in statuses if s[1] != 200], [])
        self.assertIsNone(self.server.process.poll())

    def test_sigterm_under_load_exits_zero_promptly(self):
        load = Load(self.workspace.port, ["/fetch?sub=" + quote(RP1), "/list"], threads=8)
        time.sleep(1)
        started = time.monotonic()
        self.server.signal(signal.SIGTERM)
        code = self.server.process.wait(timeout=30)
        elapsed = time.monotonic() - started
        statuses, _ = load.finish()
        log = read_log(self.server)
        self.assertEqual(code, 0, log[-2000:])
        self.assertLess(elapsed, 10)
        self.assertNotIn("AddressSanitizer", log)
        self.assertEqual([s for s in statuses if s[1] != 200], [])


if __name__ == "__main__":
    unittest.main()
