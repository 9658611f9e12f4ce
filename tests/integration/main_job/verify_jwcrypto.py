"""Checks every artifact a demo federation publishes with jwcrypto.

Run by main_job_test.sh inside demo/run_federation.sh, with DEMO_ANCHOR_ID,
DEMO_INTERMEDIATE_ID and DEMO_SUMMARY set. Verifies, with keys taken only from
the anchor's and the intermediate's entity configurations:
  - both entity configurations (self-signed, typ, iss == sub, authority_hints);
  - /list of both, and every subordinate statement they serve;
  - every issued trust mark at /trust_mark, /trust_mark_list and a signed
    /trust_mark_status response; the revoked mark is absent and rejected;
  - the historical keys JWT;
  - every resolve response the demo collected, its trust_chain linked and
    signed, its trust marks signed, and the revoked mark absent from it.
Exits non-zero with a list of failures. Every request goes to 127.0.0.1.
"""

import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

from jwcrypto import jwk, jws

failures = []


def fail(message: str) -> None:
    failures.append(message)
    print(f"FAIL {message}", flush=True)


def request(url: str, form: dict = None) -> tuple:
    if urllib.parse.urlsplit(url).hostname != "127.0.0.1":
        raise SystemExit(f"rejected request to {url}: only 127.0.0.1 is allowed")
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


def header_of(token: str) -> dict:
    part = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def payload_of(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def verified(token: str, keys: dict, what: str, typ: str):
    """The payload of `token` when jwcrypto verifies it with `keys`, else None."""
    key_set = jwk.JWKSet.from_json(json.dumps(keys))
    header = header_of(token)
    if header.get("typ") != typ:
        fail(f"{what}: typ {header.get('typ')!r}, expected {typ!r}")
    try:
        signed = jws.JWS()
        signed.deserialize(token)
        key = key_set.get_key(header.get("kid"))
        if key is None:
            fail(f"{what}: kid {header.get('kid')!r} not in the verifying key set")
            return None
        signed.verify(key, alg=header.get("alg"))
        return json.loads(signed.payload)
    except Exception as error:  # jwcrypto raises several types
        fail(f"{what}: signature does not verify: {error}")
        return None


def configuration(entity_id: str, hints: list) -> dict:
    status, content_type, body = request(entity_id + "/.well-known/openid-federation")
    if status != 200 or content_type != "application/entity-statement+jwt":
        fail(f"{entity_id} configuration: {status} {content_type}")
        return {}
    unverified = payload_of(body)
    claims = verified(body, unverified["jwks"], f"{entity_id} configuration",
                      "entity-statement+jwt") or {}
    if claims.get("iss") != entity_id or claims.get("sub") != entity_id:
        fail(f"{entity_id} configuration: iss/sub {claims.get('iss')}/{claims.get('sub')}")
    if claims.get("authority_hints", []) != hints:
        fail(f"{entity_id} configuration: authority_hints {claims.get('authority_hints')}")
    return claims


def statements(issuer: str, issuer_keys: dict, expected: dict) -> int:
    """Checks /list and every /fetch of `issuer`; expected maps sub -> jwks."""
    status, _, body = request(issuer + "/list")
    listed = json.loads(body) if status == 200 else []
    if sorted(listed) != sorted(expected):
        fail(f"{issuer}/list: {len(listed)} entries, expected {len(expected)}")
    count = 0
    for sub, keys in expected.items():
        query = urllib.parse.urlencode({"sub": sub})
        status, content_type, body = request(f"{issuer}/fetch?{query}")
        if status != 200 or content_type != "application/entity-statement+jwt":
            fail(f"{issuer}/fetch {sub}: {status} {content_type}")
            continue
        claims = verified(body, issuer_keys, f"statement about {sub}", "entity-statement+jwt")
        if claims is None:
            continue
        if claims.get("iss") != issuer or claims.get("sub") != sub:
            fail(f"statement about {sub}: iss/sub {claims.get('iss')}/{claims.get('sub')}")
        if keys is not None and claims.get("jwks") != keys:
            fail(f"statement about {sub}: jwks differs from the registered keys")
        count += 1
    return count


def trust_marks(anchor: str, keys: dict, marks: list, revoked: dict) -> int:
    count = 0
    for mark in marks:
        query = urllib.parse.urlencode({"trust_mark_type": mark["type"], "sub": mark["sub"]})
        status, content_type, body = request(f"{anchor}/trust_mark?{query}")
        is_revoked = mark["id"] == revoked["id"]
        if is_revoked:
            if status != 404:
                fail(f"revoked mark {mark['id']}: /trust_mark returned {status}")
        elif status != 200 or content_type != "application/trust-mark+jwt":
            fail(f"mark {mark['id']}: /trust_mark returned {status} {content_type}")
        else:
            claims = verified(body, keys, f"trust mark {mark['id']}", "trust-mark+jwt") or {}
            if claims.get("sub") != mark["sub"] or claims.get("trust_mark_type") != mark["type"]:
                fail(f"trust mark {mark['id']}: sub/type {claims.get('sub')}")
            count += 1

        status, content_type, body = request(f"{anchor}/trust_mark_status",
                                             {"trust_mark": mark["mark"]})
        if status != 200 or content_type != "application/trust-mark-status-response+jwt":
            fail(f"mark {mark['id']}: /trust_mark_status returned {status} {content_type}")
            continue
        claims = verified(body, keys, f"status of mark {mark['id']}",
                          "trust-mark-status-response+jwt") or {}
        expected = "revoked" if is_revoked else "active"
        if claims.get("status") != expected:
            fail(f"status of mark {mark['id']}: {claims.get('status')!r}, expected {expected}")

        query = urllib.parse.urlencode({"trust_mark_type": mark["type"]})
        status, _, body = request(f"{anchor}/trust_mark_list?{query}")
        holders = json.loads(body) if status == 200 else []
        if (mark["sub"] in holders) == is_revoked:
            fail(f"mark {mark['id']}: /trust_mark_list holds {mark['sub']}: "
                 f"{mark['sub'] in holders}")
    return count


def historical_keys(anchor: str, keys: dict) -> None:
    status, content_type, body = request(anchor + "/historical_keys")
    if status != 200 or content_type != "application/jwk-set+jwt":
        fail(f"/historical_keys: {status} {content_type}")
        return
    claims = verified(body, keys, "historical keys", "jwk-set+jwt") or {}
    if claims.get("iss") != anchor or "keys" not in claims:
        fail(f"historical keys: iss {claims.get('iss')}, keys present {'keys' in claims}")


def resolve_responses(anchor: str, keys: dict, summary: dict) -> int:
    revoked = summary["revoked_trust_mark"]
    count = 0
    for result in summary["resolved"]:
        if "response" not in result:
            fail(f"resolve {result['entity_id']}: status {result['status']}")
            continue
        claims = verified(result["response"], keys, f"resolve {result['entity_id']}",
                          "resolve-response+jwt")
        if claims is None:
            continue
        chain = claims.get("trust_chain", [])
        # Each statement verifies with the keys its issuer's superior vouches for
        # in the next statement; the last one with the anchor's own keys.
        for index, statement in enumerate(chain):
            if index + 1 < len(chain):
                issuer_keys = payload_of(chain[index + 1]).get("jwks", {"keys": []})
            else:
                issuer_keys = keys
            verified(statement, issuer_keys, f"chain[{index}] of {result['entity_id']}",
                     "entity-statement+jwt")
        for mark in claims.get("trust_marks", []):
            verified(mark.get("trust_mark", ""), keys,
                     f"{mark.get('trust_mark_type')} mark in resolve {result['entity_id']}",
                     "trust-mark+jwt")
        if result["entity_id"] == revoked["sub"]:
            types = [mark.get("trust_mark_type") for mark in claims.get("trust_marks", [])]
            if revoked["type"] in types:
                fail(f"resolve {result['entity_id']}: carries the revoked mark")
        count += 1
    return count


def main() -> int:
    anchor = os.environ["DEMO_ANCHOR_ID"]
    intermediate = os.environ["DEMO_INTERMEDIATE_ID"]
    with open(os.environ["DEMO_SUMMARY"], encoding="utf-8") as source:
        summary = json.load(source)
    leaves = summary["leaf_list"]

    anchor_claims = configuration(anchor, [])
    intermediate_claims = configuration(intermediate, [anchor])
    anchor_keys = anchor_claims.get("jwks", {"keys": []})
    intermediate_keys = intermediate_claims.get("jwks", {"keys": []})

    under_anchor = {leaf["entity_id"]: leaf["jwks"] for leaf in leaves
                    if leaf["superior"] == anchor}
    under_anchor[intermediate] = intermediate_keys
    under_intermediate = {leaf["entity_id"]: leaf["jwks"] for leaf in leaves
                          if leaf["superior"] == intermediate}
    count = statements(anchor, anchor_keys, under_anchor)
    count += statements(intermediate, intermediate_keys, under_intermediate)
    marks = trust_marks(anchor, anchor_keys, summary["trust_marks"],
                        summary["revoked_trust_mark"])
    historical_keys(anchor, anchor_keys)
    historical_keys(intermediate, intermediate_keys)
    resolved = resolve_responses(anchor, anchor_keys, summary)

    print(f"jwcrypto: 2 entity configurations, {count} subordinate statements, {marks} trust "
          f"marks and {len(summary['trust_marks'])} status responses, 2 historical key sets, "
          f"{resolved} resolve responses checked; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
