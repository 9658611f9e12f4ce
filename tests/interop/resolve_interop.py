"""Resolve interop: @openid-federation/core resolves chains through our
anchor (the real inmor) and must find the same metadata inmor's /resolve
returns. The federation's policies use value, add, default, one_of and
essential on several parameters, avoiding the library's known departures
from the final spec (value combined with other operators, subset_of and
superset_of). Every leaf carries federation_entity metadata, because the
library (0.2.1) also applies a policy's `default` to an entity type the leaf
lacks, where the spec applies policies only to the types the leaf has.

    python3 resolve_interop.py   (INMOR_BIN and RESOLVE_STORE_TOOL set)
"""

import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration", "resolve"))

from anchor import Anchor  # noqa: E402
from federation import Federation, FederationServer, jwt_claims  # noqa: E402

RP = "openid_relying_party"
CORE = os.path.join(HERE, "node_modules", "@openid-federation", "core")


def rp(**members):
    metadata = {"client_registration_types": ["automatic"],
                "redirect_uris": ["https://rp.test/cb"], "contacts": ["leaf@rp.test"]}
    metadata.update(members)
    return metadata


class ResolveInteropTest(unittest.TestCase):
    maxDiff = None
    @classmethod
    def setUpClass(cls):
        if not os.path.isdir(CORE):
            raise RuntimeError(f"{CORE} is missing; run scripts/install-test-tools.sh")
        cls.server = FederationServer()
        cls.fed = Federation(cls.server)
        cls.anchor = Anchor(resolve_config="live_discovery = true")
        cls.anchor.start()
        cls.anchor.publish_configuration()
        cls.anchor.wait_for_configuration()

        ia = cls.fed.add("ia")
        cls.fed.publish_configuration("ia", [cls.anchor.entity_id])
        cls.anchor.publish_subordinate(ia, {"metadata_policy": {RP: {
            "grant_types": {"default": ["authorization_code"]},
            "token_endpoint_auth_method": {"one_of": ["private_key_jwt",
                                                      "client_secret_basic"]},
            "contacts": {"add": ["ops@ta.test"]},
            "client_registration_types": {"essential": True},
        }, "federation_entity": {"organization_name": {"default": "Unnamed member"}}}})
        cls.anchor.wait_for_fetch(ia.entity_id)
        cls.ia_policy = {"metadata_policy": {RP: {
            "application_type": {"value": "web"},
            "contacts": {"add": ["ia@ia.test"]},
            "response_types": {"default": ["code"]},
            "client_name": {"essential": True},
        }}}

    @classmethod
    def tearDownClass(cls):
        cls.anchor.stop()
        cls.anchor.remove()
        cls.server.stop()

    def leaf(self, name, metadata, superior="ia", statement=None):
        metadata.setdefault("federation_entity", {"contacts": ["fed@rp.test"]})
        self.fed.add(name)
        hints = [self.fed[superior].entity_id] if superior else [self.anchor.entity_id]
        self.fed.publish_configuration(name, hints, {"metadata": metadata})
        if superior:
            self.fed.publish_subordinate(superior, name, statement or self.ia_policy)
        return self.fed[name].entity_id

    def ours(self, entity_id):
        status, _, body = self.anchor.resolve(entity_id)
        self.assertEqual(status, 200, body)
        return jwt_claims(body.decode())["metadata"]

    def theirs(self, entity_id):
        result = subprocess.run(
            ["node", os.path.join(HERE, "openid_federation_resolve.mjs"), entity_id,
             self.anchor.entity_id],
            capture_output=True, text=True, timeout=60, cwd=HERE)
        self.assertEqual(result.returncode, 0, result.stderr)
        answer = json.loads(result.stdout)
        self.assertTrue(answer["ok"], answer)
        for url in answer["requested"]:
            self.assertTrue(url.startswith("http://127.0.0.1:"), url)
        # The library walked through our anchor's own fetch endpoint.
        anchor_fetches = [url for url in answer["requested"]
                          if url.startswith(self.anchor.entity_id + "/fetch")]
        self.assertTrue(anchor_fetches, answer["requested"])
        return answer["metadata"]

    def check_same(self, entity_id):
        ours = self.ours(entity_id)
        theirs = self.theirs(entity_id)
        self.assertEqual(ours, theirs)
        return ours

    def test_defaults_and_adds_apply(self):
        metadata = self.check_same(self.leaf("leaf1", {RP: rp(
            client_name="Leaf one", token_endpoint_auth_method="private_key_jwt")}))
        self.assertEqual(metadata[RP]["grant_types"], ["authorization_code"])
        self.assertEqual(metadata[RP]["application_type"], "web")
        self.assertEqual(sorted(metadata[RP]["contacts"]),
                         ["ia@ia.test", "leaf@rp.test", "ops@ta.test"])

    def test_present_values_keep_over_defaults(self):
        metadata = self.check_same(self.leaf("leaf2", {RP: rp(
            client_name="Leaf two", grant_types=["authorization_code", "refresh_token"],
            response_types=["code id_token"], token_endpoint_auth_method="client_secret_basic")}))
        self.assertEqual(metadata[RP]["grant_types"], ["authorization_code", "refresh_token"])
        self.assertEqual(metadata[RP]["response_types"], ["code id_token"])

    def test_federation_entity_default(self):
        metadata = self.check_same(self.leaf("leaf3", {
            RP: rp(client_name="Leaf three"), "federation_entity": {"contacts": ["x@rp.test"]}}))
        self.assertEqual(metadata["federation_entity"]["organization_name"], "Unnamed member")

    def test_leaf_directly_under_anchor(self):
        leaf_id = self.leaf("leaf4", {RP: rp(client_name="Leaf four")}, superior=None)
        self.anchor.publish_subordinate(self.fed["leaf4"], {"metadata_policy": {RP: {
            "scope": {"default": "openid"}, "client_name": {"value": "Named by the anchor"}}}})
        self.anchor.wait_for_fetch(leaf_id)
        metadata = self.check_same(leaf_id)
        self.assertEqual(metadata[RP]["client_name"], "Named by the anchor")


if __name__ == "__main__":
    unittest.main()
