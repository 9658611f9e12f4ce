"""One HTTP server on 127.0.0.1 that plays many federation leaves.

Each leaf is an OpenID provider or a relying party with its own P-256 key. Its
entity identifier is http://127.0.0.1:PORT/op/NN or .../rp/NN and its signed
entity configuration is served at ENTITY_ID/.well-known/openid-federation;
a provider's ID token keys at ENTITY_ID/jwks.json.
The leaves' keys and metadata are written to a JSON file so the registration
step can send them to the admin API.

    python3 leaf_server.py --port 18090 --count 60 --superiors A,I --out leaves.json

--superiors names the entity identifiers of the anchor and the intermediate;
every fifth leaf names the intermediate in its authority_hints, the others the
anchor. Only the Python standard library and `cryptography` are used.
"""

import argparse
import base64
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

CONTENT_TYPE = "application/entity-statement+jwt"
LIFETIME_SECONDS = 86400


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class LeafKey:
    """A P-256 signing key with its public JWK."""

    def __init__(self, kid: str):
        self.kid = kid
        self.private = ec.generate_private_key(ec.SECP256R1())
        numbers = self.private.public_key().public_numbers()
        self.public_jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
            "kid": kid,
            "alg": "ES256",
            "use": "sig",
        }

    def sign(self, claims: dict) -> str:
        header = {"alg": "ES256", "kid": self.kid, "typ": "entity-statement+jwt"}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode()))
        der = self.private.sign(signing_input.encode("ascii"), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def provider_metadata(number: int, jwks_uri: str) -> dict:
    """Metadata as a production OpenID provider publishes it.

    Resolving a chain fetches jwks_uri, so it points at this server on
    127.0.0.1; every other URL, which nothing fetches, is under .test.
    """
    host = f"https://op{number:02d}.example.test"
    return {
        "openid_provider": {
            "issuer": host,
            "authorization_endpoint": f"{host}/authorize",
            "token_endpoint": f"{host}/token",
            "userinfo_endpoint": f"{host}/userinfo",
            "jwks_uri": jwks_uri,
            "response_types_supported": ["code", "id_token", "code id_token"],
            "subject_types_supported": ["public", "pairwise"],
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "claims_supported": ["sub", "name", "given_name", "family_name", "email",
                                 "email_verified", "locale"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt",
                                                      "client_secret_basic"],
            "client_registration_types_supported": ["automatic", "explicit"],
            "request_parameter_supported": True,
            "ui_locales_supported": ["en", "sv", "fi"],
            "op_policy_uri": f"{host}/policy",
            "logo_uri": f"{host}/logo.png",
        },
        "federation_entity": {
            "organization_name": f"Provider {number:02d}",
            "homepage_uri": host,
            "contacts": [f"ops@op{number:02d}.example.test"],
        },
    }


def relying_party_metadata(number: int) -> dict:
    """Metadata as a production relying party publishes it; hosts under .test."""
    host = f"https://rp{number:02d}.example.test"
    return {
        "openid_relying_party": {
            "redirect_uris": [f"{host}/callback", f"{host}/oidc/return"],
            "response_types": ["code"],
            "grant_types": ["authorization_code", "refresh_token"],
            "client_name": f"Service {number:02d}",
            "client_name#sv": f"Tjänst {number:02d}",
            "client_name#fi": f"Palvelu {number:02d}",
            "contacts": [f"support@rp{number:02d}.example.test"],
            "logo_uri": f"{host}/logo.png",
            "policy_uri": f"{host}/privacy",
            "tos_uri": f"{host}/terms",
            "token_endpoint_auth_method": "private_key_jwt",
            "client_registration_types": ["automatic"],
            "application_type": "web",
        },
        "federation_entity": {
            "organization_name": f"Service {number:02d}",
            "contacts": [f"support@rp{number:02d}.example.test"],
        },
    }


class TrustMarkSource:
    """The trust mark endpoint of the issuer, asked each time a leaf is fetched.

    A leaf publishes the marks the issuer currently serves for it, as a member
    does after fetching them, so a revoked mark (404 there) leaves its
    configuration. Each entry carries `id` beside `trust_mark_type` because
    @openid-federation/core 0.2.1 rejects entries without the pre-final name.
    """

    def __init__(self, issuer: str, types: list):
        if urllib.parse.urlsplit(issuer).hostname != "127.0.0.1":
            raise SystemExit(f"leaf server: trust mark issuer {issuer} is not on 127.0.0.1")
        self.issuer = issuer
        self.types = types

    def marks_of(self, entity_id: str) -> list:
        marks = []
        for tmtype in self.types:
            query = urllib.parse.urlencode({"trust_mark_type": tmtype, "sub": entity_id})
            try:
                with urllib.request.urlopen(f"{self.issuer}/trust_mark?{query}",
                                            timeout=5) as response:
                    mark = response.read().decode("ascii")
            except (urllib.error.URLError, OSError):
                continue
            marks.append({"trust_mark_type": tmtype, "id": tmtype, "trust_mark": mark})
        return marks


class Leaf:
    def __init__(self, base: str, kind: str, number: int, superior: str):
        self.entity_id = f"{base}/{kind}/{number:02d}"
        self.kind = kind
        self.superior = superior
        self.key = LeafKey(f"{kind}{number:02d}-2026")
        # The provider signs ID tokens with a key of its own, published at
        # jwks_uri, apart from its federation key.
        self.token_key = LeafKey(f"{kind}{number:02d}-tokens")
        self.metadata = (provider_metadata(number, self.entity_id + "/jwks.json")
                         if kind == "op" else relying_party_metadata(number))

    def entity_configuration(self, marks: list) -> str:
        now = int(time.time())
        claims = {
            "iss": self.entity_id,
            "sub": self.entity_id,
            "iat": now,
            "exp": now + LIFETIME_SECONDS,
            "jwks": {"keys": [self.key.public_jwk]},
            "authority_hints": [self.superior],
            "metadata": self.metadata,
        }
        if marks:
            claims["trust_marks"] = marks
        return self.key.sign(claims)

    def description(self) -> dict:
        return {"entity_id": self.entity_id, "kind": self.kind, "superior": self.superior,
                "jwks": {"keys": [self.key.public_jwk]}, "metadata": self.metadata}


def make_leaves(base: str, count: int, anchor: str, intermediate: str) -> list:
    leaves = []
    for index in range(count):
        kind = "op" if index % 3 == 0 else "rp"
        superior = intermediate if index % 5 == 4 else anchor
        leaves.append(Leaf(base, kind, index + 1, superior))
    return leaves


def handler_for(leaves_by_path: dict, mark_source):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            path = self.path.split("?", 1)[0]
            for suffix in ("/.well-known/openid-federation", "/jwks.json"):
                leaf = leaves_by_path.get(path[:-len(suffix)]) if path.endswith(suffix) else None
                if leaf is not None:
                    break
            if leaf is None:
                self.send(404, "application/json", b'{"error":"not_found"}')
            elif suffix == "/jwks.json":
                body = json.dumps({"keys": [leaf.token_key.public_jwk]}).encode()
                self.send(200, "application/jwk-set+json", body)
            else:
                marks = mark_source.marks_of(leaf.entity_id) if mark_source else []
                self.send(200, CONTENT_TYPE, leaf.entity_configuration(marks).encode("ascii"))

        def send(self, status: int, content_type: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--superiors", required=True, help="ANCHOR_ID,INTERMEDIATE_ID")
    parser.add_argument("--out", required=True, help="where the leaves' keys and metadata go")
    parser.add_argument("--trust-mark-issuer",
                        help="entity id whose /trust_mark endpoint supplies the leaves' marks")
    parser.add_argument("--trust-mark-types", default="",
                        help="comma-separated trust mark types to ask the issuer for")
    arguments = parser.parse_args()
    mark_source = None
    if arguments.trust_mark_issuer:
        mark_source = TrustMarkSource(arguments.trust_mark_issuer,
                                      [t for t in arguments.trust_mark_types.split(",") if t])

    anchor, intermediate = arguments.superiors.split(",")
    base = f"http://127.0.0.1:{arguments.port}"
    leaves = make_leaves(base, arguments.count, anchor, intermediate)
    server = ThreadingHTTPServer(("127.0.0.1", arguments.port), handler_for(
        {leaf.entity_id[len(base):]: leaf for leaf in leaves}, mark_source))
    with open(arguments.out, "w", encoding="utf-8") as out:
        json.dump([leaf.description() for leaf in leaves], out, ensure_ascii=False, indent=1)
    print(f"leaf server: {len(leaves)} leaves on {base}", flush=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        thread.join()
    except KeyboardInterrupt:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
