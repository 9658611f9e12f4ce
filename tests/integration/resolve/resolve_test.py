"""/resolve of the real `inmor` over federations of real HTTP servers on
127.0.0.1: the anchor is inmor, intermediates and leaves are Python servers.
"""

import json
import os
import shutil
import tempfile
import threading
import time
import unittest
import urllib.parse

from anchor import Anchor
from federation import (ENTITY_STATEMENT, Federation, FederationServer, Key, jwt_claims,
                        jwt_header, tamper)

RP = "openid_relying_party"
TM_MEMBER = "https://tm.test/member"
TM_OWNED = "https://tm.test/owned"


def rp_metadata(**extra):
    metadata = {"client_name": "leaf", "redirect_uris": ["https://rp.test/cb"],
                "grant_types": ["authorization_code"], "scope": "openid"}
    metadata.update(extra)
    return metadata


class ResolveFixture(unittest.TestCase):
    """One federation server and one inmor anchor per class."""

    live_discovery = True
    redis_uri = None

    @classmethod
    def setUpClass(cls):
        cls.server = FederationServer()
        cls.fed = Federation(cls.server)
        cls.owner = Key()
        resolve_config = f"live_discovery = {'true' if cls.live_discovery else 'false'}"
        cls.anchor = Anchor(redis_uri=cls.redis_uri, resolve_config=resolve_config)
        cls.anchor.start()
        cls.counter = 0

    @classmethod
    def tearDownClass(cls):
        cls.anchor.stop()
        cls.anchor.remove()
        cls.server.stop()

    def unique(self, prefix):
        type(self).counter += 1
        return f"{prefix}{type(self).counter}"

    def publish_anchor(self, extra=None):
        token = self.anchor.publish_configuration(extra)
        self.anchor.wait_for_configuration(token)

    def add_intermediate(self, statement_extra=None, configuration_extra=None,
                         tampered=False):
        """Adds an intermediate directly under the anchor, as its subordinate.

        A tampered configuration is published before the anchor lists the
        intermediate, because the precompute pass may otherwise cache the
        intact one first.
        """
        name = self.unique("ia")
        entity = self.fed.add(name)
        token = self.fed.publish_configuration(name, [self.anchor.entity_id],
                                               configuration_extra)
        if tampered:
            self.fed.publish_configuration(name, None, jwt=tamper(token))
        self.anchor.publish_subordinate(entity, statement_extra)
        self.anchor.wait_for_fetch(entity.entity_id)
        return name

    def add_leaf(self, superiors, metadata=None, extra=None, statement_extra=None, lifetime=3600):
        name = self.unique("leaf")
        self.fed.add(name)
        hints = [self.fed[s].entity_id for s in superiors]
        claims = {"metadata": metadata if metadata is not None else {RP: rp_metadata()}}
        claims.update(extra or {})
        self.fed.publish_configuration(name, hints, claims, lifetime=lifetime)
        for superior in superiors:
            self.fed.publish_subordinate(superior, name, statement_extra)
        return name

    def resolve(self, entity_id, **kwargs):
        status, headers, body = self.anchor.resolve(entity_id, **kwargs)
        if status == 200:
            return status, headers, body.decode()
        return status, headers, json.loads(body)

    def assert_fails(self, entity_id, status, error, fragment=None):
        got_status, _, body = self.resolve(entity_id)
        self.assertEqual(got_status, status, body)
        self.assertEqual(body["error"], error, body)
        if fragment:
            self.assertIn(fragment, body["error_description"])
        return body


class LiveDiscoveryTest(ResolveFixture):
    live_discovery = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()

    def setUp(self):
        self.publish_anchor({"trust_mark_issuers": {TM_MEMBER: []},
                             "trust_mark_owners": {TM_OWNED: {"sub": "https://owner.test",
                                                              "jwks": self.owner.jwks()}}})

    def test_three_level_chain_is_signed_resolve_response(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia])
        leaf_id = self.fed[leaf].entity_id
        status, headers, token = self.resolve(leaf_id)
        self.assertEqual(status, 200, token)
        self.assertEqual(headers["Content-Type"], "application/resolve-response+jwt")
        header = jwt_header(token)
        self.assertEqual(header["typ"], "resolve-response+jwt")
        self.assertEqual(header["kid"], self.anchor.key.kid)
        self.assertNotIn("trust_chain", header)
        claims = jwt_claims(token)
        self.assertEqual(claims["iss"], self.anchor.entity_id)
        self.assertEqual(claims["sub"], leaf_id)
        chain = claims["trust_chain"]
        self.assertEqual(len(chain), 4)
        self.assertEqual(jwt_claims(chain[0])["sub"], leaf_id)
        self.assertEqual(jwt_claims(chain[1])["iss"], self.fed[ia].entity_id)
        self.assertEqual(jwt_claims(chain[2])["iss"], self.anchor.entity_id)
        self.assertEqual(jwt_claims(chain[3])["sub"], self.anchor.entity_id)
        self.assertEqual(claims["exp"], min(jwt_claims(s)["exp"] for s in chain))
        self.assertEqual(claims["metadata"][RP]["client_name"], "leaf")

    def test_entity_type_limits_metadata(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia], metadata={RP: rp_metadata(),
                                             "federation_entity": {"organization_name": "L"}})
        status, _, token = self.resolve(self.fed[leaf].entity_id, entity_types=[RP])
        self.assertEqual(status, 200, token)
        self.assertEqual(list(jwt_claims(token)["metadata"]), [RP])

    def test_policies_of_anchor_and_intermediate_apply(self):
        ia = self.add_intermediate(statement_extra={"metadata_policy": {RP: {
            "grant_types": {"subset_of": ["authorization_code", "refresh_token"]},
            "contacts": {"add": ["ops@ta.test"]}}}})
        leaf = self.add_leaf([ia], statement_extra={"metadata_policy": {RP: {
            "client_name": {"value": "Named by IA"}}}})
        status, _, token = self.resolve(self.fed[leaf].entity_id)
        self.assertEqual(status, 200, token)
        metadata = jwt_claims(token)["metadata"][RP]
        self.assertEqual(metadata["client_name"], "Named by IA")
        self.assertEqual(metadata["contacts"], ["ops@ta.test"])

    def test_policy_conflict_is_invalid_trust_chain(self):
        ia = self.add_intermediate(statement_extra={"metadata_policy": {RP: {
            "client_name": {"value": "anchor says"}}}})
        leaf = self.add_leaf([ia], statement_extra={"metadata_policy": {RP: {
            "client_name": {"value": "intermediate says"}}}})
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "client_name")

    def test_max_path_length_violation(self):
        ia = self.add_intermediate(statement_extra={"constraints": {"max_path_length": 0}})
        leaf = self.add_leaf([ia])
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "max_path_length")

    def test_naming_constraint_violation(self):
        ia = self.add_intermediate(statement_extra={"constraints": {"naming_constraints": {
            "permitted": ["allowed.test"]}}})
        leaf = self.add_leaf([ia])
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain")

    def test_allowed_entity_types_removes_types(self):
        ia = self.add_intermediate(statement_extra={"constraints": {
            "allowed_entity_types": ["openid_provider"]}})
        leaf = self.add_leaf([ia])
        status, _, token = self.resolve(self.fed[leaf].entity_id)
        self.assertEqual(status, 200, token)
        self.assertNotIn(RP, jwt_claims(token)["metadata"])

    def test_broken_hint_beside_working_one(self):
        ia = self.add_intermediate()
        broken = self.unique("broken")
        self.fed.add(broken)  # nothing published: its configuration is a 404
        leaf = self.unique("leaf")
        self.fed.add(leaf)
        self.fed.publish_configuration(leaf, [self.fed[broken].entity_id, self.fed[ia].entity_id],
                                       {"metadata": {RP: rp_metadata()}})
        self.fed.publish_subordinate(ia, leaf)
        status, _, token = self.resolve(self.fed[leaf].entity_id)
        self.assertEqual(status, 200, token)
        self.assertEqual(jwt_claims(jwt_claims(token)["trust_chain"][1])["iss"],
                         self.fed[ia].entity_id)

    def test_loop_is_invalid_trust_chain(self):
        first, second = self.unique("loop"), self.unique("loop")
        self.fed.add(first)
        self.fed.add(second)
        self.fed.publish_configuration(first, [self.fed[second].entity_id])
        self.fed.publish_configuration(second, [self.fed[first].entity_id])
        self.fed.publish_subordinate(first, second)
        self.fed.publish_subordinate(second, first)
        leaf = self.add_leaf([first])
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "loop")
        self.assertEqual(self.server.hits_of(self.fed.configuration_route(first)), 1)

    def test_expired_statements_at_each_level(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia], lifetime=-600)
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "exp")

        leaf = self.add_leaf([ia])
        self.fed.publish_subordinate(ia, leaf, lifetime=-600)
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "exp")

        expired_ia = self.add_intermediate()
        self.anchor.publish_subordinate(self.fed[expired_ia], lifetime=-600)
        # The server drops its copy of the valid statement once the change arrives.
        time.sleep(1.5)
        leaf = self.add_leaf([expired_ia])
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "exp")

    def test_wrong_kid(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia])
        claims = self.fed.subordinate_claims(self.fed[ia].entity_id, self.fed[leaf])
        self.fed.publish_subordinate(ia, leaf, jwt=self.fed[ia].key.sign(claims, kid="other"))
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "kid")

    def test_bad_signatures_at_each_level(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia])
        token = self.fed.publish_configuration(leaf, [self.fed[ia].entity_id],
                                               {"metadata": {RP: rp_metadata()}})
        self.fed.publish_configuration(leaf, None, jwt=tamper(token))
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "signature")

        leaf = self.add_leaf([ia])
        token = self.fed.publish_subordinate(ia, leaf)
        self.fed.publish_subordinate(ia, leaf, jwt=tamper(token))
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "signature")

        tampered_ia = self.add_intermediate(tampered=True)
        leaf = self.add_leaf([tampered_ia])
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "signature")

        bad_ia = self.add_intermediate()
        token = self.anchor.publish_subordinate(self.fed[bad_ia])
        self.anchor.publish_subordinate(self.fed[bad_ia], jwt=tamper(token))
        time.sleep(1.5)
        leaf = self.add_leaf([bad_ia])
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain", "signature")

    def test_unknown_trust_anchor(self):
        status, _, body = self.resolve(self.anchor.entity_id,
                                       anchors=["https://other-anchor.test"])
        self.assertEqual(status, 404)
        self.assertEqual(body["error"], "invalid_trust_anchor")

    def test_missing_parameters(self):
        status, _, body = self.anchor.request("GET", "/resolve?trust_anchor=" +
                                              urllib.parse.quote(self.anchor.entity_id))
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(body)["error"], "invalid_request")
        status, _, body = self.anchor.request("GET", "/resolve?sub=" +
                                              urllib.parse.quote(self.anchor.entity_id))
        self.assertEqual(status, 400)
        self.assertIn("trust_anchor", json.loads(body)["error_description"])

    def test_anchor_resolves_itself(self):
        status, _, token = self.resolve(self.anchor.entity_id)
        self.assertEqual(status, 200, token)
        self.assertEqual(len(jwt_claims(token)["trust_chain"]), 1)

    def test_transient_failure_is_503_with_retry_after(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia])
        self.server.set(self.fed.fetch_route(ia, leaf), 503, "application/json", "{}")
        status, headers, body = self.resolve(self.fed[leaf].entity_id)
        self.assertEqual(status, 503, body)
        self.assertEqual(body["error"], "temporarily_unavailable")
        self.assertIn("Retry-After", headers)

    def test_identical_concurrent_requests_share_one_computation(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia])
        # Let the announced store changes reach the server first, because each
        # one outdates the chains computed before it.
        time.sleep(1.5)
        route = self.fed.configuration_route(leaf)
        results = []

        def ask():
            results.append(self.resolve(self.fed[leaf].entity_id)[0])

        threads = [threading.Thread(target=ask) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(results, [200] * 8)
        self.assertEqual(self.server.hits_of(route), 1)
        # A repeat is served from memory until exp, with no fetch.
        self.assertEqual(self.resolve(self.fed[leaf].entity_id)[0], 200)
        self.assertEqual(self.server.hits_of(route), 1)

    # --- key sets in metadata ----------------------------------------------

    def test_jwks_uri_is_fetched_checked_and_cached(self):
        ia = self.add_intermediate()
        route = "/keys/" + self.unique("jwks")
        self.server.set(route, 200, "application/jwk-set+json",
                        json.dumps({"keys": [Key().public_jwk()]}))
        uri = self.server.base_url + route
        first = self.add_leaf([ia], metadata={RP: rp_metadata(jwks_uri=uri)})
        second = self.add_leaf([ia], metadata={RP: rp_metadata(jwks_uri=uri)})
        for leaf in (first, second):
            status, _, token = self.resolve(self.fed[leaf].entity_id)
            self.assertEqual(status, 200, token)
            self.assertEqual(jwt_claims(token)["metadata"][RP]["jwks_uri"], uri)
        # The body is kept in inmor:jwks_cache:*, so the second leaf needs no fetch.
        self.assertEqual(self.server.hits_of(route), 1)

    def test_broken_jwks_uri_fails_the_chain(self):
        ia = self.add_intermediate()
        uri = self.server.base_url + "/keys/" + self.unique("missing")
        leaf = self.add_leaf([ia], metadata={RP: rp_metadata(jwks_uri=uri)})
        self.assert_fails(self.fed[leaf].entity_id, 400, "invalid_trust_chain",
                          RP + ".jwks_uri")

    def signed_jwks(self, leaf, key):
        leaf_id = self.fed[leaf].entity_id
        claims = {"iss": leaf_id, "sub": leaf_id, "iat": int(time.time()),
                  "keys": [Key().public_jwk()]}
        return key.sign(claims, typ="jwk-set+jwt")

    def test_signed_jwks_uri_is_verified(self):
        ia = self.add_intermediate()
        for signer, expected in (("leaf", 200), ("stranger", 400)):
            route = "/keys/" + self.unique("signed")
            uri = self.server.base_url + route
            leaf = self.add_leaf([ia], metadata={RP: rp_metadata(signed_jwks_uri=uri)})
            key = self.fed[leaf].key if signer == "leaf" else Key()
            self.server.set(route, 200, "application/jwk-set+jwt", self.signed_jwks(leaf, key))
            status, _, body = self.resolve(self.fed[leaf].entity_id)
            self.assertEqual(status, expected, body)
            if expected == 400:
                self.assertIn(RP + ".signed_jwks_uri", body["error_description"])

    # --- trust marks -------------------------------------------------------

    def mark(self, issuer_key, issuer_id, subject_id, mark_type, lifetime=3600, extra=None):
        now = int(time.time())
        claims = {"iss": issuer_id, "sub": subject_id, "trust_mark_type": mark_type, "iat": now,
                  "exp": now + lifetime}
        claims.update(extra or {})
        return issuer_key.sign(claims, typ="trust-mark+jwt")

    def status_endpoint(self, ia, statuses):
        """Serve the intermediate's status endpoint, with the status of each mark from `statuses`."""
        entity = self.fed[ia]

        def answer(body):
            mark = urllib.parse.parse_qs(body.decode())["trust_mark"][0]
            claims = {"iss": entity.entity_id, "iat": int(time.time()), "trust_mark": mark,
                      "status": statuses.get(mark, "active")}
            return (200, "application/trust-mark-status-response+jwt",
                    entity.key.sign(claims, typ="trust-mark-status-response+jwt"))

        self.server.set_handler(entity.path + "/status", answer)

    def test_trust_marks_valid_expired_revoked_unknown_delegated(self):
        ia = self.add_intermediate()
        leaf = self.unique("leaf")
        self.fed.add(leaf)
        leaf_id = self.fed[leaf].entity_id
        ia_id = self.fed[ia].entity_id
        stranger = Key()
        now = int(time.time())

        valid = self.mark(self.fed[ia].key, ia_id, leaf_id, TM_MEMBER, lifetime=1800)
        expired = self.mark(self.fed[ia].key, ia_id, leaf_id, TM_MEMBER, lifetime=-600)
        revoked = self.mark(self.fed[ia].key, ia_id, leaf_id, TM_MEMBER, lifetime=900)
        unknown = self.mark(stranger, "https://stranger.test", leaf_id, TM_MEMBER)
        delegation = self.owner.sign({"iss": "https://owner.test", "sub": ia_id,
                                      "trust_mark_type": TM_OWNED, "iat": now},
                                     typ="trust-mark-delegation+jwt")
        delegated = self.mark(self.fed[ia].key, ia_id, leaf_id, TM_OWNED,
                              extra={"delegation": delegation})
        bad_delegation = stranger.sign({"iss": "https://owner.test", "sub": ia_id,
                                        "trust_mark_type": TM_OWNED, "iat": now},
                                       typ="trust-mark-delegation+jwt")
        badly_delegated = self.mark(self.fed[ia].key, ia_id, leaf_id, TM_OWNED,
                                    extra={"delegation": bad_delegation})
        self.status_endpoint(ia, {revoked: "revoked"})
        marks = [valid, expired, revoked, unknown, delegated, badly_delegated]
        types = [TM_MEMBER] * 4 + [TM_OWNED] * 2
        # TM_OWNED is not in trust_mark_issuers: accept it from anyone holding a delegation.
        self.publish_anchor({"trust_mark_issuers": {TM_MEMBER: [], TM_OWNED: []},
                             "trust_mark_owners": {TM_OWNED: {"sub": "https://owner.test",
                                                              "jwks": self.owner.jwks()}}})
        self.fed.publish_configuration(leaf, [ia_id], {
            "metadata": {RP: rp_metadata()},
            "trust_marks": [{"trust_mark_type": t, "trust_mark": m}
                            for t, m in zip(types, marks)]})
        self.fed.publish_subordinate(ia, leaf)

        status, _, token = self.resolve(leaf_id)
        self.assertEqual(status, 200, token)
        claims = jwt_claims(token)
        included = [entry["trust_mark"] for entry in claims.get("trust_marks", [])]
        self.assertEqual(sorted(included), sorted([valid, delegated]))
        self.assertEqual(claims["exp"], jwt_claims(valid)["exp"])
        self.assertGreaterEqual(self.server.hits_of(self.fed[ia].path + "/status"), 2)

    def test_unrecognised_issuer_for_listed_type_is_dropped(self):
        ia = self.add_intermediate()
        self.publish_anchor({"trust_mark_issuers": {TM_MEMBER: ["https://only.test"]}})
        leaf = self.unique("leaf")
        self.fed.add(leaf)
        leaf_id = self.fed[leaf].entity_id
        mark = self.mark(self.fed[ia].key, self.fed[ia].entity_id, leaf_id, TM_MEMBER)
        self.fed.publish_configuration(leaf, [self.fed[ia].entity_id], {
            "metadata": {RP: rp_metadata()},
            "trust_marks": [{"trust_mark_type": TM_MEMBER, "trust_mark": mark}]})
        self.fed.publish_subordinate(ia, leaf)
        status, _, token = self.resolve(leaf_id)
        self.assertEqual(status, 200, token)
        self.assertNotIn("trust_marks", jwt_claims(token))

    def test_marks_issued_by_the_anchor_follow_local_state(self):
        ia = self.add_intermediate()
        leaf = self.unique("leaf")
        self.fed.add(leaf)
        leaf_id = self.fed[leaf].entity_id
        mark = self.mark(self.anchor.key, self.anchor.entity_id, leaf_id, TM_MEMBER)
        self.fed.publish_configuration(leaf, [self.fed[ia].entity_id], {
            "metadata": {RP: rp_metadata()},
            "trust_marks": [{"trust_mark_type": TM_MEMBER, "trust_mark": mark}]})
        self.fed.publish_subordinate(ia, leaf)
        # Not in the anchor's store: not active here.
        status, _, token = self.resolve(leaf_id)
        self.assertEqual(status, 200, token)
        self.assertNotIn("trust_marks", jwt_claims(token))
        status_hits = self.server.total_hits()

        self.anchor.store("hset", "inmor:tm:" + leaf_id, TM_MEMBER, mark)
        time.sleep(1.5)
        status, _, token = self.resolve(leaf_id)
        self.assertEqual(status, 200, token)
        self.assertEqual([m["trust_mark"] for m in jwt_claims(token)["trust_marks"]], [mark])
        self.assertGreater(self.server.total_hits(), status_hits)

        self.anchor.store("hset", "inmor:tm:" + leaf_id, TM_MEMBER, "revoked")
        time.sleep(1.5)
        status, _, token = self.resolve(leaf_id)
        self.assertNotIn("trust_marks", jwt_claims(token))


class PrecomputedTest(ResolveFixture):
    """Live discovery off (the default): only entities known in advance."""

    live_discovery = False

    def setUp(self):
        self.publish_anchor()

    def test_unknown_subject_is_404_without_any_fetch(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia])
        time.sleep(1.5)
        before = self.server.total_hits()
        body = self.assert_fails(self.fed[leaf].entity_id, 404, "invalid_subject")
        self.assertIn("live discovery", body["error_description"])
        self.assertEqual(self.server.total_hits(), before)

    def test_subordinate_is_answered_from_the_precomputed_answer(self):
        ia = self.add_intermediate(configuration_extra={
            "metadata": {"federation_entity": {
                "federation_fetch_endpoint": "http://127.0.0.1:1/fetch",
                "organization_name": "first"}}})
        ia_id = self.fed[ia].entity_id
        route = self.fed.configuration_route(ia)
        deadline = time.monotonic() + 10
        while self.server.hits_of(route) == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        computed = self.server.hits_of(route)
        self.assertGreaterEqual(computed, 1, "the precompute pass never fetched the subordinate")
        for _ in range(5):
            status, _, token = self.resolve(ia_id)
            self.assertEqual(status, 200, token)
        first = token
        self.assertEqual(self.server.hits_of(route), computed)
        self.assertEqual(jwt_claims(first)["metadata"]["federation_entity"]["organization_name"],
                         "first")
        # The same entity_type set is signed once and served as stored bytes.
        self.assertEqual(self.resolve(ia_id)[2], first)

        # A changed subordinate statement refreshes the answer.
        self.anchor.publish_subordinate(self.fed[ia], {"metadata": {"federation_entity": {
            "organization_name": "renamed by the anchor"}}})
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            status, _, token = self.resolve(ia_id)
            name = jwt_claims(token)["metadata"]["federation_entity"]["organization_name"]
            if name == "renamed by the anchor":
                break
            time.sleep(0.1)
        self.assertEqual(name, "renamed by the anchor")

    def test_removed_subordinate_becomes_unknown(self):
        ia = self.add_intermediate()
        ia_id = self.fed[ia].entity_id
        self.assertEqual(self.resolve(ia_id)[0], 200)
        self.anchor.remove_subordinate(self.fed[ia])
        deadline = time.monotonic() + 10
        status = 200
        while time.monotonic() < deadline and status == 200:
            status, _, body = self.resolve(ia_id)
            time.sleep(0.1)
        self.assertEqual(status, 404)
        self.assertEqual(body["error"], "invalid_subject")

    def test_collection_entity_is_known(self):
        ia = self.add_intermediate()
        leaf = self.add_leaf([ia])
        leaf_id = self.fed[leaf].entity_id
        self.assertEqual(self.resolve(leaf_id)[0], 404)
        info = json.dumps({"entity_id": leaf_id, "entity_types": [RP]})
        self.anchor.store("hset", "inmor:collection:entities", leaf_id, info)
        self.anchor.store("zadd", "inmor:collection:all_sorted", leaf_id)
        deadline = time.monotonic() + 10
        status = 404
        while time.monotonic() < deadline and status != 200:
            status, _, token = self.resolve(leaf_id)
            time.sleep(0.1)
        self.assertEqual(status, 200, token)
        self.assertEqual(len(jwt_claims(token)["trust_chain"]), 4)


class OtherTrustAnchorTest(unittest.TestCase):
    """Anchors under resolve.trust_anchors, verified with the keys pinned there."""

    def test_configured_anchor_with_pinned_keys(self):
        server = FederationServer()
        fed = Federation(server)
        other = fed.add("other")
        impostor = fed.add("impostor")
        directory = tempfile.mkdtemp(prefix="inmor-resolve-anchors-")
        with open(os.path.join(directory, "other.json"), "w") as handle:
            json.dump(other.key.jwks(), handle)
        # The impostor's pinned keys are not the ones it signs with.
        with open(os.path.join(directory, "impostor.json"), "w") as handle:
            json.dump(Key().jwks(), handle)
        resolve_config = "\n".join([
            "live_discovery = true",
            "[[resolve.trust_anchors]]",
            f'entity_id = "{other.entity_id}"',
            f'jwks_file = "{os.path.join(directory, "other.json")}"',
            "[[resolve.trust_anchors]]",
            f'entity_id = "{impostor.entity_id}"',
            f'jwks_file = "{os.path.join(directory, "impostor.json")}"',
        ])
        anchor = Anchor(resolve_config=resolve_config)
        anchor.start()
        try:
            anchor.publish_configuration()
            anchor.wait_for_configuration()
            for name in ("other", "impostor"):
                fed.publish_configuration(name, None)
                fed.add(name + "-leaf")
                fed.publish_configuration(name + "-leaf", [fed[name].entity_id],
                                          {"metadata": {RP: rp_metadata()}})
                fed.publish_subordinate(name, name + "-leaf")

            status, _, token = anchor.resolve(fed["other-leaf"].entity_id,
                                              anchors=[other.entity_id])
            self.assertEqual(status, 200, token)
            claims = jwt_claims(token.decode())
            self.assertEqual(claims["iss"], anchor.entity_id)
            self.assertEqual(jwt_claims(claims["trust_chain"][-1])["iss"], other.entity_id)

            status, _, body = anchor.resolve(fed["impostor-leaf"].entity_id,
                                             anchors=[impostor.entity_id])
            self.assertEqual(status, 400, body)
            self.assertEqual(json.loads(body)["error"], "invalid_trust_chain")
            self.assertIn(impostor.entity_id, json.loads(body)["error_description"])

            # The leaf of one anchor does not chain to our own.
            status, _, body = anchor.resolve(fed["other-leaf"].entity_id)
            self.assertEqual(status, 400, body)
        finally:
            anchor.stop()
            anchor.remove()
            server.stop()
            shutil.rmtree(directory, ignore_errors=True)


class RateLimitTest(unittest.TestCase):
    def test_resolve_is_rate_limited(self):
        anchor = Anchor(extra_config="")
        anchor.write_config(resolve_config="")
        with open(anchor.config_path) as handle:
            text = handle.read().replace("resolve_per_minute = 0", "resolve_per_minute = 2")
        with open(anchor.config_path, "w") as handle:
            handle.write(text)
        anchor.start()
        try:
            anchor.publish_configuration()
            anchor.wait_for_configuration()
            statuses = [anchor.resolve(anchor.entity_id)[0] for _ in range(4)]
            self.assertEqual(statuses[:2], [200, 200])
            self.assertEqual(statuses[3], 429)
        finally:
            anchor.stop()
            anchor.remove()


@unittest.skipUnless(os.environ.get("INMOR_TEST_REDIS_URL"), "INMOR_TEST_REDIS_URL is not set")
class SharedAnswersTest(unittest.TestCase):
    """Two replicas on one Redis: one computes an answer, the other adopts it."""

    def test_second_replica_adopts_the_shared_answer(self):
        import subprocess
        base = os.environ["INMOR_TEST_REDIS_URL"].rstrip("/")
        redis_uri = base.rsplit("/", 1)[0] + "/12" if base.count("/") > 2 else base + "/12"
        subprocess.run(["redis-cli", "-u", redis_uri, "FLUSHDB"], check=True, capture_output=True)
        server = FederationServer()
        fed = Federation(server)
        first = Anchor(redis_uri=redis_uri, resolve_config="live_discovery = true")
        second = Anchor(redis_uri=redis_uri, resolve_config="live_discovery = true",
                        port=None, key=first.key)
        # Both replicas serve one anchor: the same domain, different listeners.
        second.entity_id = first.entity_id
        second.write_config(resolve_config="live_discovery = true")
        first.start()
        second.start()
        try:
            first.publish_configuration()
            first.wait_for_configuration()
            second.wait_for_configuration()
            ia = fed.add("ia")
            fed.publish_configuration("ia", [first.entity_id])
            first.publish_subordinate(fed["ia"])
            first.wait_for_fetch(fed["ia"].entity_id)
            fed.add("leaf")
            fed.publish_configuration("leaf", [ia.entity_id], {"metadata": {RP: rp_metadata()}})
            fed.publish_subordinate("ia", "leaf")
            leaf_id = fed["leaf"].entity_id

            status, _, token = first.resolve(leaf_id)
            token = token.decode()
            self.assertEqual(status, 200, token)
            self.assertEqual(server.hits_of(fed.configuration_route("leaf")), 1)
            status, _, other = second.resolve(leaf_id)
            other = other.decode()
            self.assertEqual(status, 200, other)
            self.assertEqual(jwt_claims(other)["trust_chain"], jwt_claims(token)["trust_chain"])
            self.assertEqual(server.hits_of(fed.configuration_route("leaf")), 1)
        finally:
            first.stop()
            second.stop()
            first.remove()
            second.remove()
            server.stop()
            subprocess.run(["redis-cli", "-u", redis_uri, "FLUSHDB"], capture_output=True)


if __name__ == "__main__":
    unittest.main()
