"""Checks our JOSE layer against Python's jwcrypto, both ways.

  jwcrypto_interop.py --tool T --keygen K algorithm ALG
      We sign, jwcrypto verifies; jwcrypto signs, we verify; both agree on
      RFC 7638 thumbprints; a tampered token fails on both sides.
  jwcrypto_interop.py --tool T --keygen K keygen TYPE
      inmor-keygeneration's files have the documented modes and names, load
      in jwcrypto with matching thumbprints, and sign and verify both ways.
"""

import argparse
import json
import os
import stat
import subprocess
import sys
import tempfile
import time

from jwcrypto import jwk, jws

TYP = "entity-statement+jwt"
EDDSA_CURVES = ("Ed25519", "Ed448")


class InteropFailure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise InteropFailure(message)


def header_alg(key_type):
    return "EdDSA" if key_type in EDDSA_CURVES else key_type


def claims():
    now = int(time.time())
    return {"iss": "https://ta.test", "sub": "https://leaf.test", "iat": now, "exp": now + 600}


def run_tool(tool, *arguments, stdin=None, expect_success=True):
    result = subprocess.run([tool, *arguments], input=stdin, capture_output=True, text=True)
    if expect_success and result.returncode != 0:
        raise InteropFailure(f"{os.path.basename(tool)} {arguments[0]} failed: {result.stderr}")
    return result


def load_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(value, handle)


def tamper(token):
    header, payload, signature = token.split(".")
    flipped = "A" if payload[0] != "A" else "B"
    return ".".join([header, flipped + payload[1:], signature])


def verify_with_jwcrypto(token, public_key, expected_alg, expected_kid):
    verifier = jws.JWS()
    verifier.deserialize(token)
    verifier.verify(public_key, alg=expected_alg)
    header = verifier.jose_header
    check(header.get("typ") == TYP, f"typ header is {header.get('typ')!r}")
    check(header.get("kid") == expected_kid, f"kid header is {header.get('kid')!r}")
    check(header.get("alg") == expected_alg, f"alg header is {header.get('alg')!r}")
    return json.loads(verifier.payload)


def jwcrypto_rejects(token, public_key, expected_alg):
    verifier = jws.JWS()
    try:
        verifier.deserialize(token)
        verifier.verify(public_key, alg=expected_alg)
    except Exception:  # jwcrypto raises several types for a bad signature
        return True
    return False


def sign_with_jwcrypto(private_key, alg, kid, payload):
    token = jws.JWS(json.dumps(payload).encode())
    protected = {"alg": alg, "kid": kid, "typ": TYP}
    token.add_signature(private_key, alg=alg, protected=json.dumps(protected))
    return token.serialize(compact=True)


def generate_jwcrypto_key(key_type):
    if key_type in EDDSA_CURVES:
        return jwk.JWK.generate(kty="OKP", crv=key_type)
    if key_type.startswith("ES"):
        curve = {"ES256": "P-256", "ES384": "P-384", "ES512": "P-521"}[key_type]
        return jwk.JWK.generate(kty="EC", crv=curve)
    return jwk.JWK.generate(kty="RSA", size=2048)


def ours_to_jwcrypto(tool, key_type, directory):
    run_tool(tool, "generate", key_type, directory)
    public_members = load_json(os.path.join(directory, "public.json"))
    public_key = jwk.JWK(**public_members)
    check(public_key.thumbprint() == public_members["kid"], "jwcrypto thumbprint differs")

    payload = claims()
    private_path = os.path.join(directory, "private.json")
    token = run_tool(tool, "sign", private_path, TYP, stdin=json.dumps(payload)).stdout.strip()
    alg = header_alg(key_type)
    check(verify_with_jwcrypto(token, public_key, alg, public_members["kid"]) == payload,
          "payload differs after jwcrypto verification")
    check(jwcrypto_rejects(tamper(token), public_key, alg), "jwcrypto accepted a tampered token")


def jwcrypto_to_ours(tool, key_type, directory):
    their_key = generate_jwcrypto_key(key_type)
    kid = their_key.thumbprint()
    public_members = their_key.export_public(as_dict=True)
    public_members["kid"] = kid
    public_path = os.path.join(directory, "their_public.json")
    write_json(public_path, public_members)
    ours = run_tool(tool, "thumbprint", public_path).stdout.strip()
    check(ours == kid, f"thumbprint differs: ours {ours}, jwcrypto {kid}")

    payload = claims()
    token = sign_with_jwcrypto(their_key, header_alg(key_type), kid, payload)
    jwks_path = os.path.join(directory, "their_jwks.json")
    write_json(jwks_path, {"keys": [public_members]})
    verified = run_tool(tool, "verify", jwks_path, TYP, stdin=token).stdout
    check(json.loads(verified) == payload, "payload differs after our verification")

    rejected = run_tool(tool, "verify", jwks_path, TYP, stdin=tamper(token), expect_success=False)
    check(rejected.returncode != 0, "we accepted a tampered jwcrypto token")


def run_algorithm_case(arguments):
    with tempfile.TemporaryDirectory() as directory:
        ours_to_jwcrypto(arguments.tool, arguments.name, directory)
        jwcrypto_to_ours(arguments.tool, arguments.name, directory)


def file_mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def run_keygen_case(arguments):
    with tempfile.TemporaryDirectory() as directory:
        output = os.path.join(directory, "keys")
        subprocess.run([arguments.keygen, f"--type={arguments.name}", f"--output={output}"],
                       check=True, capture_output=True)
        private_path = os.path.join(output, "private.json")
        private_members = load_json(private_path)
        kid = private_members["kid"]
        public_path = os.path.join(output, "publickeys", f"{kid}.json")
        check(file_mode(private_path) == 0o600, f"private.json mode {file_mode(private_path):o}")
        check(file_mode(public_path) == 0o644, f"public key mode {file_mode(public_path):o}")
        check(private_members["use"] == "sig", "use is not sig")
        check(private_members["alg"] == arguments.name, f"alg is {private_members['alg']}")

        # The keys load in jwcrypto and their thumbprint is the kid and file name.
        private_key = jwk.JWK(**private_members)
        public_members = load_json(public_path)
        public_key = jwk.JWK(**public_members)
        check(private_key.has_private, "jwcrypto sees no private key in private.json")
        check(not public_key.has_private, "public key file holds private members")
        check(private_key.thumbprint() == kid, "private.json thumbprint is not its kid")
        check(public_key.thumbprint() == kid, "public key thumbprint is not its kid")

        # jwcrypto signs with private.json, we verify with the public key file.
        payload = claims()
        alg = header_alg(arguments.name)
        token = sign_with_jwcrypto(private_key, alg, kid, payload)
        verified = run_tool(arguments.tool, "verify", public_path, TYP, stdin=token).stdout
        check(json.loads(verified) == payload, "payload differs after our verification")

        # We sign with private.json, jwcrypto verifies with the public key file.
        token = run_tool(arguments.tool, "sign", private_path, TYP,
                         stdin=json.dumps(payload)).stdout.strip()
        check(verify_with_jwcrypto(token, public_key, alg, kid) == payload,
              "payload differs after jwcrypto verification")

        # A second run without --force keeps the key and fails.
        rerun = subprocess.run([arguments.keygen, f"--type={arguments.name}",
                                f"--output={output}"], capture_output=True, text=True)
        check(rerun.returncode != 0, "second run without --force succeeded")
        check("--force" in rerun.stderr, f"refusal does not mention --force: {rerun.stderr}")
        check(load_json(private_path) == private_members, "private.json changed without --force")

        check_retire(arguments.keygen, output, public_path, kid)
        check_force(arguments.keygen, arguments.name, output, private_members)


def check_retire(keygen, output, public_path, kid):
    before = int(time.time())
    subprocess.run([keygen, f"--retire={public_path}", f"--output={output}",
                    "--revoked=superseded"], check=True, capture_output=True)
    retired_path = os.path.join(output, "historical_keys", f"{kid}.json")
    retired = load_json(retired_path)
    check(file_mode(retired_path) == 0o644, f"historical key mode {file_mode(retired_path):o}")
    check(retired["kid"] == kid, "historical key lost its kid")
    check(before <= retired["exp"] <= int(time.time()), f"exp is not now: {retired['exp']}")
    check(retired["revoked"] == {"revoked_at": retired["exp"], "reason": "superseded"},
          f"revoked is {retired.get('revoked')}")
    check("d" not in retired, "historical key holds private members")
    check(jwk.JWK(**retired).thumbprint() == kid, "historical key thumbprint is not its kid")

    bad_reason = subprocess.run([keygen, f"--retire={public_path}", f"--output={output}",
                                 "--revoked=lost"], capture_output=True, text=True)
    check(bad_reason.returncode != 0, "an unknown revocation reason was accepted")


def check_force(keygen, key_type, output, old_private_members):
    subprocess.run([keygen, f"--type={key_type}", f"--output={output}", "--force"],
                   check=True, capture_output=True)
    new_private_members = load_json(os.path.join(output, "private.json"))
    check(new_private_members["kid"] != old_private_members["kid"], "--force kept the old key")
    check(os.path.exists(os.path.join(output, "publickeys", f"{new_private_members['kid']}.json")),
          "--force wrote no public key file")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--keygen", required=True)
    parser.add_argument("case", choices=["algorithm", "keygen"])
    parser.add_argument("name")
    arguments = parser.parse_args()

    try:
        if arguments.case == "algorithm":
            run_algorithm_case(arguments)
        else:
            run_keygen_case(arguments)
    except InteropFailure as failure:
        print(f"interop jwcrypto {arguments.case} {arguments.name}: FAILED: {failure}")
        return 1
    print(f"interop jwcrypto {arguments.case} {arguments.name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
