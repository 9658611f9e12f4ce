"""Subordinate registrations the running admin must reject, with entities
played by a real HTTP server on 127.0.0.1: a configuration without the anchor
in authority_hints, a signature by another key, an unreachable entity and a
body over fetch.max_body_bytes. Each gets a 4xx or 502 naming the problem, and
nothing is stored or published. A redirect to a refused address needs the
address guard on, so https: tests/unit/admin (subordinate_service_test) runs
that case against an HTTPS server on 127.0.0.1, and
tests/integration/admin_redirect against the running admin in a network
namespace of its own."""

import http.server
import json
import threading
import time
import unittest

from jwcrypto import jwk, jws

from harness import Deployment, free_port

MAX_BODY_BYTES = 65536


class EntityServer:
    """One loopback server; the path selects how the entity misbehaves."""

    def __init__(self, anchor):
        self.anchor = anchor
        self.key = jwk.JWK.generate(kty="EC", crv="P-256", kid="entity-key")
        self.other_key = jwk.JWK.generate(kty="EC", crv="P-256", kid="other-key")
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                name = self.path.split("/")[1]
                if name == "oversized":
                    self.reply(200, b"a" * (4 * MAX_BODY_BYTES))
                else:
                    self.reply(200, server.configuration(name).encode())

            def reply(self, status, body):
                self.send_response(status)
                self.send_header("Content-Type", "application/entity-statement+jwt")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *arguments):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def entity_id(self, name):
        return f"http://127.0.0.1:{self.port}/{name}"

    def jwks(self):
        return {"keys": [json.loads(self.key.export_public())]}

    def configuration(self, name):
        now = int(time.time())
        hints = ["https://other-anchor.test"] if name == "nohint" else [self.anchor]
        signer = self.other_key if name == "wrongkey" else self.key
        claims = {
            "iss": self.entity_id(name), "sub": self.entity_id(name), "iat": now,
            "exp": now + 3600, "jwks": self.jwks(), "authority_hints": hints,
            "metadata": {"federation_entity": {"organization_name": "Rejected entity"}},
        }
        token = jws.JWS(json.dumps(claims).encode())
        token.add_signature(signer, alg="ES256",
                            protected={"alg": "ES256", "typ": "entity-statement+jwt",
                                       "kid": "entity-key"})
        return token.serialize(compact=True)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class SubordinateRejectionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deployment = Deployment("inmor-admin-reject-")
        with open(cls.deployment.config, "a", encoding="utf-8") as config:
            config.write("[fetch]\n"
                         f"max_body_bytes = {MAX_BODY_BYTES}\n"
                         "retries = 0\n")
        cls.entities = EntityServer(cls.deployment.domain)
        cls.deployment.start_admin()
        cls.deployment.start_inmor()

    @classmethod
    def tearDownClass(cls):
        cls.entities.close()
        cls.deployment.close()

    def register(self, entity_id):
        return self.deployment.api("POST", "/subordinates",
                                   {"entityid": entity_id, "jwks": self.entities.jwks()})

    def assert_rejected(self, entity_id, status, words):
        reply = self.register(entity_id)
        self.assertEqual(reply.status, status, reply.body)
        message = reply.json["message"]
        for word in words:
            self.assertIn(word, message)
        listed = self.deployment.api("GET", "/subordinates")
        self.assertEqual(listed.json["count"], 0)
        served = self.deployment.federation("/list")
        self.assertEqual(json.loads(served.body), [])

    def test_anchor_missing_from_authority_hints(self):
        self.assert_rejected(self.entities.entity_id("nohint"), 422, ["authority_hints"])

    def test_signature_by_another_key(self):
        self.assert_rejected(self.entities.entity_id("wrongkey"), 422, ["jwks"])

    def test_unreachable_entity(self):
        closed = f"http://127.0.0.1:{free_port()}/gone"
        reply = self.register(closed)
        self.assertIn(reply.status, (422, 502), reply.body)
        self.assertIn("could not be fetched", reply.json["message"])

    def test_body_over_the_fetch_limit(self):
        self.assert_rejected(self.entities.entity_id("oversized"), 502,
                             ["fetch.max_body_bytes"])

    def test_no_sanitizer_reports(self):
        self.assertEqual(self.deployment.sanitizer_reports(), [])


if __name__ == "__main__":
    unittest.main()
