"""A federation of test entities for resolve tests, in Python.

Each entity has an ES256 key and lives under its own path on one loopback
HTTP server: its entity configuration at <path>/.well-known/openid-federation,
its fetch endpoint at <path>/fetch, its trust mark status endpoint at
<path>/status. Statements are signed here with `cryptography`.
"""

import base64
import hashlib
import json
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

ENTITY_STATEMENT = "application/entity-statement+jwt"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(value):
    return b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def decode_segment(segment):
    segment += "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(segment))


def jwt_claims(token):
    return decode_segment(token.split(".")[1])


def jwt_header(token):
    return decode_segment(token.split(".")[0])


class Key:
    """A P-256 key with an RFC 7638 thumbprint as kid."""

    def __init__(self):
        self.private = ec.generate_private_key(ec.SECP256R1())
        numbers = self.private.public_key().public_numbers()
        self.x = b64url(numbers.x.to_bytes(32, "big"))
        self.y = b64url(numbers.y.to_bytes(32, "big"))
        thumbprint_input = json.dumps({"crv": "P-256", "kty": "EC", "x": self.x, "y": self.y},
                                      separators=(",", ":"), sort_keys=True)
        self.kid = b64url(hashlib.sha256(thumbprint_input.encode()).digest())

    def public_jwk(self):
        return {"kty": "EC", "crv": "P-256", "x": self.x, "y": self.y, "kid": self.kid,
                "alg": "ES256", "use": "sig"}

    def private_jwk(self):
        d = self.private.private_numbers().private_value.to_bytes(32, "big")
        return dict(self.public_jwk(), d=b64url(d))

    def jwks(self):
        return {"keys": [self.public_jwk()]}

    def sign(self, claims, typ="entity-statement+jwt", kid=None, header_extra=None):
        header = {"alg": "ES256", "kid": kid or self.kid, "typ": typ}
        header.update(header_extra or {})
        signing_input = (b64url_json(header) + "." + b64url_json(claims)).encode("ascii")
        der = self.private.sign(signing_input, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return signing_input.decode() + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def tamper(token):
    """The same JWT with one signature byte changed."""
    head, payload, signature = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
    raw[5] ^= 0x01
    return head + "." + payload + "." + b64url(bytes(raw))


class FederationServer:
    """Serves registered responses by path (and `sub` for fetch requests)."""

    def __init__(self):
        self.routes = {}
        self.hits = {}
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body leave in one write, with Nagle off: otherwise a
            # client waits for delayed ACKs (about 40 ms) on every response.
            wbufsize = 1 << 16
            disable_nagle_algorithm = True

            def log_message(self, *args):
                pass

            def respond(self):
                parsed = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parsed.query)
                route = parsed.path
                if "sub" in query:
                    route += "?sub=" + query["sub"][0]
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with server.lock:
                    server.hits[route] = server.hits.get(route, 0) + 1
                    entry = server.routes.get(route)
                if callable(entry):
                    entry = entry(body)
                status, content_type, payload = entry or (404, "application/json",
                                                          '{"error":"not_found"}')
                data = payload.encode() if isinstance(payload, str) else payload
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = respond
            do_POST = respond

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"

    def set(self, route, status, content_type, body):
        with self.lock:
            self.routes[route] = (status, content_type, body)

    def set_handler(self, route, handler):
        with self.lock:
            self.routes[route] = handler

    def total_hits(self):
        with self.lock:
            return sum(self.hits.values())

    def hits_of(self, route):
        with self.lock:
            return self.hits.get(route, 0)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Entity:
    def __init__(self, entity_id, path):
        self.entity_id = entity_id
        self.path = path
        self.key = Key()

    @property
    def fetch_endpoint(self):
        return self.entity_id + "/fetch"

    @property
    def status_endpoint(self):
        return self.entity_id + "/status"


class Federation:
    """Entities published on a FederationServer."""

    def __init__(self, server):
        self.server = server
        self.entities = {}

    def add(self, name):
        entity = Entity(self.server.base_url + "/" + name, "/" + name)
        self.entities[name] = entity
        return entity

    def __getitem__(self, name):
        return self.entities[name]

    def configuration_claims(self, name, hints, extra=None, lifetime=3600):
        entity = self.entities[name]
        now = int(time.time())
        claims = {
            "iss": entity.entity_id, "sub": entity.entity_id, "iat": now, "exp": now + lifetime,
            "jwks": entity.key.jwks(),
            "metadata": {"federation_entity": {
                "federation_fetch_endpoint": entity.fetch_endpoint,
                "federation_trust_mark_status_endpoint": entity.status_endpoint,
                "organization_name": name}},
        }
        if hints:
            claims["authority_hints"] = hints
        claims.update(extra or {})
        return claims

    def publish_configuration(self, name, hints, extra=None, lifetime=3600, jwt=None):
        entity = self.entities[name]
        token = jwt or entity.key.sign(self.configuration_claims(name, hints, extra, lifetime))
        self.server.set(entity.path + "/.well-known/openid-federation", 200, ENTITY_STATEMENT,
                        token)
        return token

    def subordinate_claims(self, issuer_id, subject_entity, extra=None, lifetime=3600):
        now = int(time.time())
        claims = {"iss": issuer_id, "sub": subject_entity.entity_id, "iat": now,
                  "exp": now + lifetime, "jwks": subject_entity.key.jwks()}
        claims.update(extra or {})
        return claims

    def publish_subordinate(self, superior, subordinate, extra=None, lifetime=3600, jwt=None):
        upper = self.entities[superior]
        lower = self.entities[subordinate]
        token = jwt or upper.key.sign(self.subordinate_claims(upper.entity_id, lower, extra,
                                                              lifetime))
        self.server.set(upper.path + "/fetch?sub=" + lower.entity_id, 200, ENTITY_STATEMENT,
                        token)
        return token

    def configuration_route(self, name):
        return self.entities[name].path + "/.well-known/openid-federation"

    def fetch_route(self, superior, subordinate):
        return self.entities[superior].path + "/fetch?sub=" + self.entities[subordinate].entity_id
