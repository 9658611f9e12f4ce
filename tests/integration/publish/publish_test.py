"""The anchor's own documents, from the admin command to the wire.

inmor-admin signs the entity configuration and the historical keys JWT,
inmor serves them from the embedded store, and jwcrypto verifies each
signature with the keys the anchor publishes.
"""

import base64
import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from jwcrypto import jwk, jws

INMOR = os.environ["INMOR_BIN"]
ADMIN = os.environ["INMOR_ADMIN_BIN"]
KEYGEN = os.environ["INMOR_KEYGEN_BIN"]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def decode_segment(segment):
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def verify_with(token, key_files):
    """Verifies `token` with the key whose kid matches; returns the payload."""
    header = decode_segment(token.split(".")[0])
    for path in key_files:
        key = jwk.JWK.from_json(path.read_text())
        if key.key_id == header["kid"]:
            signature = jws.JWS()
            signature.deserialize(token)
            signature.verify(key)
            return header, json.loads(signature.payload)
    raise AssertionError(f"no published key with kid {header['kid']}")


class PublishTest(unittest.TestCase):
    def setUp(self):
        self.home = pathlib.Path(tempfile.mkdtemp(prefix="inmor-publish-"))
        self.addCleanup(shutil.rmtree, self.home, ignore_errors=True)
        self.port = free_port()
        self.domain = f"http://127.0.0.1:{self.port}"
        subprocess.run([KEYGEN, "--type=ES256", f"--output={self.home}"], check=True,
                       capture_output=True)
        (self.home / "taconfig.toml").write_text(
            f'domain = "{self.domain}"\n'
            "allow_http = true\n"
            'data_dir = "data"\n'
            f'listen = "127.0.0.1:{self.port}"\n'
            'metrics_listen = ""\n'
            "[federation]\n"
            'organization_name = "Publish Test Federation"\n'
            "[admin]\n"
            'database_url = "sqlite:data/admin.db"\n')
        self.config = str(self.home / "taconfig.toml")

    def admin(self, *arguments):
        return subprocess.run([ADMIN, "-c", self.config, *arguments], capture_output=True,
                              text=True, timeout=60)

    def start_server(self):
        server = subprocess.Popen([INMOR, "-c", self.config], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.PIPE)
        self.addCleanup(self.stop_server, server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.domain}/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        self.fail("inmor did not answer /health within 30 s")

    @staticmethod
    def stop_server(server):
        server.terminate()
        server.wait(timeout=30)

    def get(self, path):
        with urllib.request.urlopen(f"{self.domain}{path}", timeout=10) as response:
            return response.headers.get("Content-Type"), response.read().decode()

    def public_key_files(self):
        return sorted((self.home / "publickeys").glob("*.json"))

    def test_entity_configuration_is_served_and_verifies(self):
        result = self.admin("regenerate_entity")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.start_server()

        content_type, token = self.get("/.well-known/openid-federation")
        header, claims = verify_with(token, self.public_key_files())

        self.assertEqual(content_type, "application/entity-statement+jwt")
        self.assertEqual(header["typ"], "entity-statement+jwt")
        self.assertEqual(claims["iss"], self.domain)
        self.assertEqual(claims["sub"], self.domain)
        self.assertGreater(claims["exp"], time.time())
        self.assertNotIn("authority_hints", claims)
        entity = claims["metadata"]["federation_entity"]
        self.assertEqual(entity["federation_fetch_endpoint"], f"{self.domain}/fetch")
        self.assertEqual(entity["organization_name"], "Publish Test Federation")
        published_kids = {key["kid"] for key in claims["jwks"]["keys"]}
        self.assertIn(header["kid"], published_kids)

    def test_historical_keys_are_served_and_verify(self):
        result = self.admin("publish_historical_keys")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.start_server()

        content_type, token = self.get("/historical_keys")
        header, claims = verify_with(token, self.public_key_files())

        self.assertEqual(content_type, "application/jwk-set+jwt")
        self.assertEqual(header["typ"], "jwk-set+jwt")
        self.assertEqual(claims["keys"], [])

    def test_retired_key_appears_in_historical_keys(self):
        retired = self.public_key_files()[0]
        result = subprocess.run([KEYGEN, f"--retire={retired}", f"--output={self.home}",
                                 "--revoked=superseded"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)

        result = self.admin("publish_historical_keys")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.start_server()
        _, token = self.get("/historical_keys")
        # The retired key may have left publickeys/, so look in both folders.
        key_files = self.public_key_files() + sorted((self.home / "historical_keys").glob("*.json"))
        _, claims = verify_with(token, key_files)

        self.assertEqual(len(claims["keys"]), 1)
        self.assertEqual(claims["keys"][0]["revoked"]["reason"], "superseded")

    def test_missing_private_key_is_reported(self):
        (self.home / "private.json").unlink()

        result = self.admin("regenerate_entity")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("private_key", result.stderr)


if __name__ == "__main__":
    unittest.main()
