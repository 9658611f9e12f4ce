"""Regenerates the seed corpora of token_fuzzer and jwk_fuzzer.

Usage: python3 fuzz/make_jose_corpus.py build/asan/tests/interop/jose_interop_tool

Tokens are signed with the published private keys whose public halves the
token fuzzer trusts (fuzz_keys.h), so valid seeds reach every check. The
rest are near misses that each stop at a different check.
"""

import base64
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = 1_700_000_000
TYP = "entity-statement+jwt"

RSA_KEY = {
    "kty": "RSA", "kid": "rsa", "e": "AQAB",
    "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
    "d": "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
    "p": "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
    "q": "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
    "dp": "BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3QCLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
    "dq": "h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-kyNlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
    "qi": "IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2oy26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLUW0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U",
}
EC_KEY = {
    "kty": "EC", "kid": "ec", "crv": "P-256",
    "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
    "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
    "d": "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
}
ED_KEY = {
    "kty": "OKP", "kid": "ed", "crv": "Ed25519",
    "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
    "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
}


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(**extra):
    payload = {"iss": "https://ta.test", "sub": "https://leaf.test", "iat": NOW,
               "exp": NOW + 3600}
    payload.update(extra)
    return payload


def sign(tool, key, payload, alg=None):
    members = dict(key)
    if alg:
        members["alg"] = alg
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(members, handle)
        path = handle.name
    try:
        result = subprocess.run([tool, "sign", path, TYP], input=json.dumps(payload),
                                capture_output=True, text=True, check=True)
    finally:
        os.unlink(path)
    return result.stdout.strip()


def token_seeds(tool):
    seeds = {}
    for name, key, alg in [("rs256", RSA_KEY, "RS256"), ("rs384", RSA_KEY, "RS384"),
                           ("rs512", RSA_KEY, "RS512"), ("ps256", RSA_KEY, "PS256"),
                           ("ps512", RSA_KEY, "PS512"), ("es256", EC_KEY, None),
                           ("eddsa", ED_KEY, None)]:
        seeds[f"valid_{name}"] = sign(tool, key, claims(), alg)

    seeds["valid_float_dates"] = sign(tool, EC_KEY, claims(iat=NOW - 0.5, exp=NOW + 9.25))
    seeds["valid_payload_crit"] = sign(tool, EC_KEY, claims(crit=["fuzz_extension"],
                                                            fuzz_extension=1))
    seeds["payload_crit_standard"] = sign(tool, EC_KEY, claims(crit=["iss"]))
    seeds["payload_crit_empty"] = sign(tool, ED_KEY, claims(crit=[]))
    seeds["expired"] = sign(tool, EC_KEY, claims(exp=NOW - 3600))
    seeds["not_before"] = sign(tool, EC_KEY, claims(nbf=NOW + 3600))
    seeds["string_exp"] = sign(tool, ED_KEY, claims(exp="soon"))
    seeds["nested_payload"] = sign(tool, ED_KEY, claims(metadata={"a": [[[{"b": [1]}]]]}))

    valid = seeds["valid_es256"]
    header, payload, signature = valid.split(".")
    seeds["tampered_payload"] = ".".join([header, b64(json.dumps(claims(sub="x"))), signature])
    seeds["two_parts"] = f"{header}.{payload}"
    seeds["four_parts"] = f"{valid}.{payload}"
    seeds["padded_header"] = f"{header}=.{payload}.{signature}"
    seeds["empty_signature"] = f"{header}.{payload}."
    seeds["short_signature"] = f"{header}.{payload}.{signature[:20]}"
    seeds["alg_none"] = f"{b64(json.dumps({'alg': 'none', 'kid': 'ec', 'typ': TYP}))}.{payload}."
    seeds["alg_hs256"] = (f"{b64(json.dumps({'alg': 'HS256', 'kid': 'rsa', 'typ': TYP}))}."
                          f"{payload}.{signature}")
    seeds["unknown_kid"] = (f"{b64(json.dumps({'alg': 'ES256', 'kid': 'other', 'typ': TYP}))}."
                            f"{payload}.{signature}")
    seeds["missing_kid"] = f"{b64(json.dumps({'alg': 'ES256', 'typ': TYP}))}.{payload}.{signature}"
    seeds["header_crit"] = (f"{b64(json.dumps({'alg': 'ES256', 'kid': 'ec', 'typ': TYP, 'crit': ['fuzz_parameter'], 'fuzz_parameter': 1}))}"
                            f".{payload}.{signature}")
    duplicate_header = b64('{"alg":"ES256","kid":"ec","kid":"ed"}')
    seeds["duplicate_header_member"] = f"{duplicate_header}.{payload}.{signature}"
    seeds["header_not_object"] = f"{b64('[1,2,3]')}.{payload}.{signature}"
    seeds["header_not_json"] = f"{b64('{alg:ES256')}.{payload}.{signature}"
    seeds["wrong_key_type"] = (f"{b64(json.dumps({'alg': 'RS256', 'kid': 'ec', 'typ': TYP}))}."
                               f"{payload}.{signature}")
    seeds["eddsa_fully_specified"] = (
        f"{b64(json.dumps({'alg': 'Ed448', 'kid': 'ed', 'typ': TYP}))}.{payload}.{signature}")
    return seeds


def jwk_seeds(tool):
    seeds = {"rfc_rsa_private": RSA_KEY, "rfc_ec_private": EC_KEY, "rfc_ed25519_private": ED_KEY}
    for name, key in list(seeds.items()):
        public = {k: v for k, v in key.items() if k not in ("d", "p", "q", "dp", "dq", "qi")}
        seeds[name.replace("private", "public")] = public

    with tempfile.TemporaryDirectory() as directory:
        for key_type in ("ES384", "ES512", "Ed448", "PS256"):
            subprocess.run([tool, "generate", key_type, directory], check=True)
            with open(os.path.join(directory, "private.json"), encoding="utf-8") as handle:
                seeds[f"generated_{key_type.lower()}"] = json.load(handle)

    ec = seeds["rfc_ec_public"]
    seeds["ec_wrong_curve"] = dict(ec, crv="P-384")
    seeds["ec_unknown_curve"] = dict(ec, crv="secp256k1")
    seeds["ec_off_curve"] = dict(ec, y=ec["x"])
    seeds["ec_missing_y"] = {k: v for k, v in ec.items() if k != "y"}
    seeds["ec_bad_base64"] = dict(ec, x=ec["x"] + "=")
    seeds["ec_alg_mismatch"] = dict(ec, alg="RS256")
    seeds["okp_x25519"] = dict(seeds["rfc_ed25519_public"], crv="X25519")
    seeds["okp_wrong_d"] = dict(ED_KEY, d=EC_KEY["d"])
    seeds["rsa_small"] = {"kty": "RSA", "n": b64(b"\xc1" + b"\x01" * 127), "e": "AQAB"}
    seeds["rsa_crt_without_d"] = {k: v for k, v in RSA_KEY.items() if k != "d"}
    seeds["rsa_oth"] = dict(RSA_KEY, oth=[])
    seeds["kty_oct"] = {"kty": "oct", "k": "AAAA"}
    seeds["jwks_two_keys"] = {"keys": [seeds["rfc_ec_public"], seeds["rfc_ed25519_public"]]}
    seeds["jwks_duplicate_kid"] = {"keys": [seeds["rfc_ec_public"], seeds["rfc_ec_public"]]}
    seeds["jwks_not_array"] = {"keys": {}}
    seeds["jwks_private_key"] = {"keys": [EC_KEY]}
    return {name: json.dumps(value) for name, value in seeds.items()}


def write_corpus(name, seeds):
    directory = os.path.join(HERE, "corpus", name)
    os.makedirs(directory, exist_ok=True)
    for seed_name, text in seeds.items():
        with open(os.path.join(directory, seed_name), "w", encoding="utf-8") as handle:
            handle.write(text)
    print(f"corpus {name}: {len(seeds)} seeds")


def main():
    tool = sys.argv[1]
    write_corpus("token", token_seeds(tool))
    write_corpus("jwk", jwk_seeds(tool))


if __name__ == "__main__":
    main()
