"""The federation server on a Redis of its own: data in the original layout
written with redis-cli alone, unannounced edits, Redis stopped and back.
"""

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest

from harness import (DOMAIN, MEMBER, Server, Workspace, free_port, jwt_claims, quote,
                     redis_cli, wait_for_port)

REDIS_SERVER = shutil.which("redis-server")
NOW = int(time.time())


class OwnRedis:
    """A redis-server on a free loopback port, without persistence."""

    def __init__(self):
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="inmor-redis-")
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@unittest.skipUnless(REDIS_SERVER, "redis-server is not installed")
class OriginalLayoutTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.redis = OwnRedis()
        cls.workspace = Workspace(redis_uri=cls.redis.url)
        cls.data = cls.write_original_layout()
        cls.server = Server(cls.workspace)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.redis.remove()
        cls.workspace.remove()
        assert code == 0, f"server exited with {code}"

    @classmethod
    def sign(cls, claims, typ):
        return cls.workspace.sign(claims, typ)

    @classmethod
    def write_original_layout(cls):
        """What the original admin writes, with redis-cli commands only."""
        url = cls.redis.url
        sub = "https://rp.example.test"
        configuration = cls.sign({"iss": DOMAIN, "sub": DOMAIN, "iat": NOW, "exp": NOW + 3600,
                                  "metadata": {"federation_entity": {}}}, "entity-statement+jwt")
        statement = cls.sign({"iss": DOMAIN, "sub": sub, "iat": NOW, "exp": NOW + 3600},
                             "entity-statement+jwt")
        sub_configuration = cls.sign({"iss": sub, "sub": sub, "iat": NOW, "exp": NOW + 3600,
                                      "metadata": {"openid_relying_party": {}}},
                                     "entity-statement+jwt")
        mark = cls.sign({"iss": DOMAIN, "sub": sub, "trust_mark_type": MEMBER, "iat": NOW,
                         "exp": NOW + 3600}, "trust-mark+jwt")
        historical = cls.sign({"iss": DOMAIN, "iat": NOW, "keys": []}, "jwk-set+jwt")
        entity = json.dumps({"entity_id": sub, "entity_types": ["openid_relying_party"],
                             "ui_infos": {"openid_relying_party": {"display_name": "Old RP"}}})
        commands = [
            ["SET", "inmor:entity_id", configuration],
            ["SET", "inmor:historical_keys", historical],
            ["HSET", "inmor:subordinates", sub, statement],
            ["HSET", "inmor:subordinates:jwt", sub, sub_configuration],
            ["SADD", "inmor:rp", sub],
            ["HSET", f"inmor:tm:{sub}", MEMBER, mark],
            ["SADD", f"inmor:tmtype:{MEMBER}", sub],
            ["SADD", "inmor:tmtypes", MEMBER],
            ["SADD", "inmor:tm:alltime", hashlib.sha256(mark.encode()).hexdigest()],
            ["HSET", "inmor:collection:entities", sub, entity],
            ["SADD", "inmor:collection:by_type:openid_relying_party", sub],
            ["SADD", f"inmor:collection:by_trustmark:{MEMBER}", sub],
            ["SADD", "inmor:collection:trustmark_types", MEMBER],
            ["SET", "inmor:collection:trust_anchor", DOMAIN],
            ["ZADD", "inmor:collection:all_sorted", "0", sub],
            ["SET", "inmor:collection:last_updated", str(NOW)],
        ]
        for command in commands:
            redis_cli(url, *command)
        return {"sub": sub, "configuration": configuration, "statement": statement,
                "mark": mark, "historical": historical}

    def test_every_endpoint_serves_original_layout(self):
        sub = self.data["sub"]
        server = self.server
        self.assertEqual(server.get("/.well-known/openid-federation")[2].decode(),
                         self.data["configuration"])
        self.assertEqual(server.get("/fetch?sub=" + quote(sub))[2].decode(),
                         self.data["statement"])
        self.assertEqual(server.get_json("/list")[2], [sub])
        self.assertEqual(server.get_json("/list?entity_type=openid_relying_party")[2], [sub])
        self.assertEqual(server.get_json(f"/list?trust_mark_type={quote(MEMBER)}")[2], [sub])
        self.assertEqual(server.get(f"/trust_mark?trust_mark_type={quote(MEMBER)}&sub="
                                    + quote(sub))[2].decode(), self.data["mark"])
        self.assertEqual(server.get_json(f"/trust_mark_list?trust_mark_type={quote(MEMBER)}")[2],
                         [sub])
        status, _, body = server.post_form("/trust_mark_status",
                                           {"trust_mark": self.data["mark"]})
        self.assertEqual(status, 200)
        self.assertEqual(jwt_claims(body.decode())["status"], "active")
        self.assertEqual(server.get("/historical_keys")[2].decode(), self.data["historical"])
        collection = server.get_json("/collection")[2]
        self.assertEqual([e["entity_id"] for e in collection["entities"]], [sub])
        self.assertEqual(collection["last_updated"], NOW)
        status = server.get_json("/status")[2]
        self.assertEqual(status["subordinates"], {"direct": 1})
        self.assertEqual(status["trust_marks"], {"types": [MEMBER], "total_issued": 1})
        self.assertEqual(status["collection"]["openid_relying_parties"], 1)

    def test_unannounced_edit_served_after_cache_ttl(self):
        self.server.get("/list")
        redis_cli(self.redis.url, "HSET", "inmor:subordinates", "https://late.test", "x.y.z")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if "https://late.test" in self.server.get_json("/list")[2]:
                break
            time.sleep(0.1)
        else:
            self.fail("unannounced edit not served within 5 s (cache_ttl is 1 s)")
        redis_cli(self.redis.url, "HDEL", "inmor:subordinates", "https://late.test")

    def test_redis_down_then_back(self):
        configuration = self.data["configuration"]
        self.server.get("/.well-known/openid-federation")
        self.redis.stop()
        try:
            status, _, body = self.server.get_json("/health")
            self.assertEqual(status, 503)
            self.assertEqual(body, {"status": "error", "detail": "redis unavailable"})
            # Bytes already in memory keep being served.
            status, _, body = self.server.get("/.well-known/openid-federation")
            self.assertEqual((status, body.decode()), (200, configuration))
            # What was never read gets a clean JSON error.
            status, headers, body = self.server.get("/fetch?sub=https://never-read.test")
            self.assertEqual(status, 503)
            self.assertEqual(headers["Content-Type"], "application/json")
            self.assertEqual(json.loads(body)["error"], "temporarily_unavailable")
            self.assertIn("Retry-After", headers)
        finally:
            self.redis.start()
            type(self).data = self.write_original_layout()

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.server.get("/health")[0] == 200:
                break
            time.sleep(0.2)
        else:
            self.fail("/health not 200 within 20 s after Redis came back")
        status, _, body = self.server.get("/fetch?sub=" + quote(self.data["sub"]))
        self.assertEqual(status, 200)
        self.assertEqual(self.server.get_json("/list")[2], [self.data["sub"]])


if __name__ == "__main__":
    unittest.main()
