"""Subordinate create, update, renew and fetch-config on the running
`inmor-admin serve` must reject an entity whose configuration server
redirects to a private, loopback, link-local or metadata address, with a 422
naming the address, and write nothing.

Runs only inside the network namespace that netns_test.sh creates: loopback
only, with 10.0.0.1, 192.168.1.1 and 169.254.169.254 added to lo. The admin
runs with allow_http off, because allow_http = true lets the fetcher connect
to every address. The entity server speaks https with a test CA
(fetch.ca_file), and fetch.allowed_networks admits only 127.0.0.1, so the
address guard checks every hop. A trap listener on every redirect target and
a packet capture on lo show that the admin never opened a connection to a
rejected address.
"""

import collections
import datetime
import http.server
import ipaddress
import json
import os
import pathlib
import socket
import ssl
import struct
import sys
import threading
import time
import unittest
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from jwcrypto import jwk, jws

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "admin_crash"))
from harness import Deployment, free_port  # noqa: E402

WELL_KNOWN = "/.well-known/openid-federation"
# The only source and destination of legitimate traffic in the namespace.
LOOPBACK = ipaddress.ip_address("127.0.0.1")
# Addresses on lo that only a redirect names. netns_test.sh adds the first
# three, and 127.0.0.2 and ::1 are loopback addresses already.
TRAP_ADDRESSES = ["10.0.0.1", "192.168.1.1", "169.254.169.254", "127.0.0.2", "::1"]

# (entity name, redirect status, Location with {trap} for the trap port,
#  rejected address as the guard prints it, its address category)
REDIRECT_CASES = [
    ("private-10", 302, "https://10.0.0.1:{trap}" + WELL_KNOWN, "10.0.0.1", "private"),
    ("private-192", 301, "https://192.168.1.1:{trap}" + WELL_KNOWN, "192.168.1.1", "private"),
    ("metadata", 307, "https://169.254.169.254:{trap}/latest/meta-data/",
     "169.254.169.254", "link-local"),
    ("mapped-metadata", 308, "https://[::ffff:169.254.169.254]:{trap}/latest/meta-data/",
     "::ffff:169.254.169.254", "link-local"),
    ("mapped-private", 302, "https://[::ffff:a00:1]:{trap}/", "::ffff:10.0.0.1", "private"),
    ("compatible-private", 302, "https://[::10.0.0.1]:{trap}/", "::10.0.0.1", "private"),
    ("nat64-metadata", 302, "https://[64:ff9b::a9fe:a9fe]:{trap}/",
     "64:ff9b::a9fe:a9fe", "link-local"),
    ("decimal-private", 302, "https://167772161:{trap}/", "10.0.0.1", "private"),
    ("hex-metadata", 303, "https://0xa9.0xfe.0xa9.0xfe:{trap}/", "169.254.169.254",
     "link-local"),
    ("name-metadata", 302, "https://metadata.inmor-netns:{trap}/latest/meta-data/",
     "169.254.169.254", "link-local"),
    ("name-private", 302, "https://intranet.inmor-netns:{trap}/", "10.0.0.1", "private"),
    ("ipv6-loopback", 302, "https://[::1]:{trap}/", "::1", "loopback"),
    ("other-loopback", 302, "https://127.0.0.2:{trap}/", "127.0.0.2", "loopback"),
    ("scheme-relative", 302, "//10.0.0.1:{trap}/", "10.0.0.1", "private"),
    # The first hop stays on the allowed server; the second leaves it.
    ("second-hop", 302, "/second-hop-next" + WELL_KNOWN, "192.168.1.1", "private"),
]
SECOND_HOPS = {"/second-hop-next" + WELL_KNOWN: "https://192.168.1.1:{trap}/"}


def interface_names():
    return [name for _, name in socket.if_nameindex()]


def make_test_pki(folder):
    """Write a test CA (ca.pem) and a certificate for 127.0.0.1 signed by it
    (server.pem, server.key) into `folder`."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "inmor redirect test CA")])
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (x509.CertificateBuilder()
          .subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                       False), critical=True)
          .add_extension(ca_ski, critical=False)
          .sign(ca_key, hashes.SHA256()))

    key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
              .issuer_name(ca_name)
              .public_key(key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(minutes=5))
              .not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName(
                  [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                             critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                  ca_ski), critical=False)
              .sign(ca_key, hashes.SHA256()))

    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (folder / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (folder / "server.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))


class EntityServer:
    """An https server on 127.0.0.1 that plays every entity of the test. The
    entity `https://127.0.0.1:PORT/NAME` serves its configuration at
    `/NAME/.well-known/openid-federation`, or a redirect when one is set for
    that path. It counts the requests per path."""

    def __init__(self, anchor, folder):
        self.anchor = anchor
        self.key = jwk.JWK.generate(kty="EC", crv="P-256", kid="entity-key")
        self.redirects = {}
        self.jwks_uris = {}
        self.hits = collections.Counter()
        self.lock = threading.Lock()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                path = self.path.split("?")[0]
                with server.lock:
                    server.hits[path] += 1
                    redirect = server.redirects.get(path)
                if redirect is not None:
                    status, location = redirect
                    self.send_response(status)
                    self.send_header("Location", location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path.startswith("/home/"):
                    # Another location of an entity's configuration.
                    self.reply(200, "application/entity-statement+jwt",
                               server.configuration(path[len("/home/"):]).encode())
                elif path == "/keys":
                    self.reply(200, "application/json", json.dumps(server.jwks()).encode())
                elif path.endswith(WELL_KNOWN) and path.count("/") == 3:
                    name = path[1:-len(WELL_KNOWN)]
                    self.reply(200, "application/entity-statement+jwt",
                               server.configuration(name).encode())
                else:
                    self.reply(404, "text/plain", b"not found")

            def reply(self, status, content_type, body):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *arguments):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(folder / "server.pem", folder / "server.key")
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def base(self):
        return f"https://127.0.0.1:{self.port}"

    def entity_id(self, name):
        return f"{self.base()}/{name}"

    def jwks(self):
        return {"keys": [json.loads(self.key.export_public())]}

    def redirect(self, path, status, location):
        with self.lock:
            self.redirects[path] = (status, location)

    def set_jwks_uri(self, name, uri):
        with self.lock:
            self.jwks_uris[name] = uri

    def hit_count(self, path):
        with self.lock:
            return self.hits[path]

    def configuration(self, name):
        now = int(time.time())
        relying_party = {"redirect_uris": [f"{self.entity_id(name)}/callback"]}
        with self.lock:
            if name in self.jwks_uris:
                relying_party["jwks_uri"] = self.jwks_uris[name]
        claims = {
            "iss": self.entity_id(name), "sub": self.entity_id(name), "iat": now,
            "exp": now + 3600, "jwks": self.jwks(), "authority_hints": [self.anchor],
            "metadata": {"federation_entity": {"organization_name": "Redirect test entity"},
                         "openid_relying_party": relying_party},
        }
        token = jws.JWS(json.dumps(claims).encode())
        token.add_signature(self.key, alg="ES256",
                            protected={"alg": "ES256", "typ": "entity-statement+jwt",
                                       "kid": "entity-key"})
        return token.serialize(compact=True)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class TrapListener:
    """A dual-stack listener, on all addresses of the namespace, for the port
    that every redirect names. It records each accepted connection."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        self.socket.bind(("::", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        self.lock = threading.Lock()
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while True:
            try:
                connection, peer = self.socket.accept()
            except OSError:
                return
            with self.lock:
                self.accepted.append((connection.getsockname()[0], peer[0]))
            connection.close()

    def take(self):
        with self.lock:
            accepted, self.accepted = self.accepted, []
        return accepted

    def close(self):
        self.socket.close()


class PacketCounter:
    """A capture of every packet on lo (AF_PACKET) that keeps the IP packets
    whose source or destination is not 127.0.0.1. In this namespace only a
    connection to a redirect target sends such a packet. `sync` returns once
    the capture has read every packet sent before the call."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        self.socket.bind(("lo", 0))
        self.stray = []
        self.markers = set()
        self.condition = threading.Condition()
        threading.Thread(target=self.run, daemon=True).start()

    def run(self):
        while True:
            try:
                frame = self.socket.recv(65535)
            except OSError:
                return
            self.inspect(frame)

    def inspect(self, frame):
        # lo frames carry an Ethernet header with zero addresses.
        ethertype = struct.unpack("!H", frame[12:14])[0]
        packet = frame[14:]
        if ethertype == 0x0800 and len(packet) >= 20:
            source = ipaddress.IPv4Address(packet[12:16])
            destination = ipaddress.IPv4Address(packet[16:20])
            payload = packet[(packet[0] & 0x0F) * 4:]
            protocol = packet[9]
        elif ethertype == 0x86DD and len(packet) >= 40:
            source = ipaddress.IPv6Address(packet[8:24])
            destination = ipaddress.IPv6Address(packet[24:40])
            payload = packet[40:]
            protocol = packet[6]
        else:
            return
        with self.condition:
            if protocol == 17 and payload[8:].startswith(b"inmor-sync-"):
                self.markers.add(payload[8:])
                self.condition.notify_all()
            elif source != LOOPBACK or destination != LOOPBACK:
                self.stray.append((str(source), str(destination), protocol))

    def sync(self):
        marker = b"inmor-sync-" + uuid.uuid4().hex.encode()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(marker, ("127.0.0.1", 9))
        with self.condition:
            if not self.condition.wait_for(lambda: marker in self.markers, timeout=10):
                raise AssertionError("packet capture did not see its own marker within 10 s")

    def take(self):
        self.sync()
        with self.condition:
            stray, self.stray = self.stray, []
        return stray

    def close(self):
        self.socket.close()


class AdminRedirectTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A guard that lets a redirect through must find no route out.
        if "INMOR_ADMIN_REDIRECT_NETNS" not in os.environ or interface_names() != ["lo"]:
            raise AssertionError("run through netns_test.sh: this test needs a network "
                                 f"namespace with only lo, found {interface_names()}")

        cls.deployment = Deployment("inmor-admin-redirect-")
        cls.addClassCleanup(cls.deployment.close)
        make_test_pki(cls.deployment.home)
        cls.anchor = cls.use_https_anchor(cls.deployment)
        cls.entities = EntityServer(cls.anchor, cls.deployment.home)
        cls.addClassCleanup(cls.entities.close)
        cls.trap = TrapListener()
        cls.addClassCleanup(cls.trap.close)
        cls.packets = PacketCounter()
        cls.addClassCleanup(cls.packets.close)
        cls.deployment.start_admin()
        cls.deployment.start_inmor()

    @staticmethod
    def use_https_anchor(deployment):
        """Turn the harness's development configuration into one with the
        address guard on: allow_http off, an https entity id, the test CA, and
        only 127.0.0.1 exempt from the rejection. Returns the anchor's id."""
        path = pathlib.Path(deployment.config)
        text = path.read_text()
        anchor = deployment.domain.replace("http://", "https://", 1)
        text = text.replace("allow_http = true\n", "allow_http = false\n")
        text = text.replace(f'domain = "{deployment.domain}"', f'domain = "{anchor}"')
        text += ("[fetch]\n"
                 "retries = 0\n"
                 f'ca_file = "{deployment.home / "ca.pem"}"\n'
                 'allowed_networks = ["127.0.0.1/32"]\n')
        path.write_text(text)
        deployment.domain = anchor
        return anchor

    def setUp(self):
        self.addCleanup(self.assert_no_rejected_connection)

    def assert_no_rejected_connection(self):
        self.assertEqual(self.trap.take(), [], "connections accepted on a redirect target")
        self.assertEqual(self.packets.take(), [], "packets to or from a non-loopback address")

    # Helpers.

    def register(self, name):
        return self.deployment.api("POST", "/subordinates",
                                   {"entityid": self.entities.entity_id(name),
                                    "jwks": self.entities.jwks()})

    def snapshot(self):
        """Return what a rejected request must leave unchanged: subordinate
        rows, audit entries and what the federation server publishes."""
        listed = self.deployment.api("GET", "/subordinates?limit=1000")
        self.assertEqual(listed.status, 200, listed.body)
        audit = self.deployment.api("GET", "/auditlog?limit=1")
        self.assertEqual(audit.status, 200, audit.body)
        published = self.deployment.federation("/list")
        self.assertEqual(published.status, 200, published.body)
        return {"subordinates": sorted(item["entityid"] for item in listed.json["items"]),
                "audit_entries": audit.json["count"],
                "published": sorted(json.loads(published.body))}

    def admin_log(self):
        return "".join(path.read_text(errors="replace") for path in self.deployment.logs
                       if path.name.startswith("admin-"))

    def assert_guard_rejection(self, reply, address, category, field="entityid", redirects=1):
        self.assertEqual(reply.status, 422, reply.body)
        message = reply.json["message"]
        self.assertTrue(message.startswith(field + ":"), message)
        if field == "entityid":
            self.assertIn(f"was not fetched after {redirects} redirect", message)
        self.assertIn("refused to fetch https://", message)
        self.assertIn(f"address {address} is {category} and not in fetch.allowed_networks",
                      message)
        self.assertNotIn("could not be fetched", message)

    def assert_nothing_written(self, before, name):
        after = self.snapshot()
        self.assertEqual(after, before)
        self.assertNotIn(self.entities.entity_id(name), after["subordinates"])
        fetched = self.deployment.federation(
            "/fetch?sub=" + self.entities.entity_id(name))
        self.assertEqual(fetched.status, 404, fetched.body)

    def wait_until_published(self, name):
        """Wait out the federation server's cache (cache_ttl = 1 s) until its
        /list names the entity, so later snapshots compare settled lists."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            published = self.deployment.federation("/list")
            if self.entities.entity_id(name) in json.loads(published.body):
                return
            time.sleep(0.2)
        self.fail(f"{self.entities.entity_id(name)} not in /list within 10 s")

    def redirect_entity(self, name, status, location):
        trap = self.trap.port
        self.entities.redirect(f"/{name}{WELL_KNOWN}", status, location.format(trap=trap))
        for path, target in SECOND_HOPS.items():
            self.entities.redirect(path, 302, target.format(trap=trap))

    # Checks of the trap listener and packet capture themselves.

    def test_trap_and_capture_see_connection(self):
        # Without this, an empty trap could mean that the targets do not
        # exist in the namespace rather than that nothing connected to them.
        for address in TRAP_ADDRESSES:
            with self.subTest(address=address):
                with socket.create_connection((address, self.trap.port), timeout=5):
                    pass
                deadline = time.monotonic() + 5
                accepted = []
                while not accepted and time.monotonic() < deadline:
                    accepted = self.trap.take()
                    time.sleep(0.05)
                self.assertEqual([local for local, _ in accepted],
                                 [("::ffff:" + address) if "." in address else address])
                stray = self.packets.take()
                self.assertIn(address, {destination for _, destination, _ in stray})

    # Refusals.

    def test_create_rejects_disallowed_redirect(self):
        for name, status, location, address, category in REDIRECT_CASES:
            with self.subTest(case=name):
                entity = "create-" + name
                self.redirect_entity(entity, status, location)
                before = self.snapshot()

                reply = self.register(entity)

                self.assert_guard_rejection(reply, address, category,
                                          redirects=2 if name == "second-hop" else 1)
                self.assertIn(self.entities.entity_id(entity), reply.json["message"])
                self.assertEqual(self.entities.hit_count(f"/{entity}{WELL_KNOWN}"), 1)
                self.assert_nothing_written(before, entity)
                self.assertIn(f"entity configuration fetch failed entity_id="
                              f"{self.entities.entity_id(entity)} kind=refused_by_guard",
                              self.admin_log())
        self.assertEqual(self.entities.hit_count("/second-hop-next" + WELL_KNOWN), 1)

    def test_fetch_config_rejects_disallowed_redirect(self):
        for name, status, location, address, category in REDIRECT_CASES:
            with self.subTest(case=name):
                entity = "preview-" + name
                self.redirect_entity(entity, status, location)
                before = self.snapshot()

                reply = self.deployment.api("POST", "/subordinates/fetch-config",
                                            {"entityid": self.entities.entity_id(entity)})

                self.assert_guard_rejection(reply, address, category,
                                          redirects=2 if name == "second-hop" else 1)
                self.assertEqual(self.entities.hit_count(f"/{entity}{WELL_KNOWN}"), 1)
                self.assert_nothing_written(before, entity)

    def test_create_rejects_redirect_to_http(self):
        # allow_http is off, so the scheme alone rejects the target.
        self.redirect_entity("downgrade", 302, "http://10.0.0.1:{trap}" + WELL_KNOWN)
        before = self.snapshot()

        reply = self.register("downgrade")

        self.assertEqual(reply.status, 422, reply.body)
        message = reply.json["message"]
        self.assertTrue(message.startswith("entityid:"), message)
        self.assertIn("was not fetched after 1 redirect", message)
        self.assertIn(f"invalid URL http://10.0.0.1:{self.trap.port}", message)
        self.assertIn("scheme must be https (allow_http is off)", message)
        self.assertEqual(self.entities.hit_count(f"/downgrade{WELL_KNOWN}"), 1)
        self.assert_nothing_written(before, "downgrade")

    def test_fetch_config_rejects_private_jwks_uri(self):
        trap = self.trap.port
        self.entities.redirect("/keys-moved", 302, f"https://169.254.169.254:{trap}/keys")
        field = "metadata.openid_relying_party.jwks_uri"
        # (entity name, jwks_uri, expected words after "FIELD: not fetched")
        cases = [("preview-jwks-redirect", self.entities.base() + "/keys-moved",
                  " after 1 redirect: refused to fetch"),
                 ("preview-jwks-direct", f"https://169.254.169.254:{trap}/keys",
                  ": refused to fetch")]
        for name, jwks_uri, words in cases:
            with self.subTest(case=name):
                self.entities.set_jwks_uri(name, jwks_uri)
                before = self.snapshot()

                reply = self.deployment.api("POST", "/subordinates/fetch-config",
                                            {"entityid": self.entities.entity_id(name)})

                self.assert_guard_rejection(reply, "169.254.169.254", "link-local", field=field)
                self.assertIn(f"{field}: not fetched{words}", reply.json["message"])
                self.assert_nothing_written(before, name)
        self.assertEqual(self.entities.hit_count("/keys-moved"), 1)

    def test_fetch_config_rejects_http_jwks_uri(self):
        self.entities.set_jwks_uri("preview-jwks-http", f"http://10.0.0.1:{self.trap.port}/keys")
        before = self.snapshot()

        reply = self.deployment.api("POST", "/subordinates/fetch-config",
                                    {"entityid": self.entities.entity_id("preview-jwks-http")})

        self.assertEqual(reply.status, 422, reply.body)
        message = reply.json["message"]
        self.assertTrue(message.startswith("metadata.openid_relying_party.jwks_uri: not fetched:"),
                        message)
        self.assertIn("scheme must be https (allow_http is off)", message)
        self.assert_nothing_written(before, "preview-jwks-http")

    def test_renew_and_update_reject_redirect(self):
        created = self.register("turncoat")
        self.assertEqual(created.status, 201, created.body)
        subordinate = created.json
        self.wait_until_published("turncoat")
        statement = self.deployment.federation(
            "/fetch?sub=" + self.entities.entity_id("turncoat"))
        self.assertEqual(statement.status, 200, statement.body)
        self.redirect_entity("turncoat", 302, "https://169.254.169.254:{trap}/latest/")
        before = self.snapshot()

        renewed = self.deployment.api("POST", f"/subordinates/{subordinate['id']}/renew")
        updated = self.deployment.api("POST", f"/subordinates/{subordinate['id']}",
                                      {"jwks": self.entities.jwks(),
                                       "metadata": {"federation_entity": {"contacts": ["x"]}}})

        self.assert_guard_rejection(renewed, "169.254.169.254", "link-local")
        self.assert_guard_rejection(updated, "169.254.169.254", "link-local")
        self.assertEqual(self.snapshot(), before)
        stored = self.deployment.api("GET", f"/subordinates/{subordinate['id']}")
        self.assertEqual(stored.json, subordinate)
        served = self.deployment.federation(
            "/fetch?sub=" + self.entities.entity_id("turncoat"))
        self.assertEqual(served.body, statement.body)

    # Redirects the guard lets through, which show that the rejections above
    # come from the guard.

    def test_create_follows_allowed_redirect(self):
        self.entities.redirect(f"/relocated{WELL_KNOWN}", 302,
                               f"{self.entities.base()}/home/relocated")

        reply = self.register("relocated")

        self.assertEqual(reply.status, 201, reply.body)
        self.wait_until_published("relocated")
        self.assertEqual(self.entities.hit_count(f"/relocated{WELL_KNOWN}"), 1)
        self.assertEqual(self.entities.hit_count("/home/relocated"), 1)
        served = self.deployment.federation(
            "/fetch?sub=" + self.entities.entity_id("relocated"))
        self.assertEqual(served.status, 200, served.body)

    def test_redirect_to_closed_port_fails(self):
        closed = free_port()
        self.entities.redirect(f"/deadend{WELL_KNOWN}", 302,
                               f"https://127.0.0.1:{closed}{WELL_KNOWN}")
        before = self.snapshot()

        reply = self.register("deadend")

        self.assertEqual(reply.status, 502, reply.body)
        self.assertIn("could not be fetched (connect_failed)", reply.json["message"])
        self.assertNotIn("refused to fetch", reply.json["message"])
        self.assert_nothing_written(before, "deadend")

    def test_zz_no_sanitizer_reports(self):
        self.assertEqual(self.deployment.sanitizer_reports(), [])


if __name__ == "__main__":
    unittest.main()
