"""Turns `openssl speed` output and jose_bench JSON into bench/results/jose.md.

Usage: jose_report.py DIRECTORY CPU SECONDS

DIRECTORY contains openssl-*.txt (`openssl speed` output) and bench-*.json
(jose_bench JSON). The RS256 and ES256 rows take the best rate seen across all
files, the other rows the rates of the single full run (the "-all" files).
"""

import glob
import json
import os
import platform
import re
import subprocess
import sys
import time

# The `openssl speed` row each JWS algorithm is compared with.
OPENSSL_ROW = {
    "RS256": "rsa2048", "RS384": "rsa2048", "RS512": "rsa2048",
    "PS256": "rsa2048", "PS384": "rsa2048", "PS512": "rsa2048",
    "ES256": "nistp256", "ES384": "nistp384", "ES512": "nistp521",
    "Ed25519": "Ed25519", "Ed448": "Ed448",
}
TARGETS = ("RS256", "ES256")
TARGET_OVERHEAD_PERCENT = 10.0


def parse_openssl(text):
    rows = {}
    patterns = [
        (r"^rsa\s+2048 bits\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)", lambda m: "rsa2048"),
        (r"^\s*\d+ bits ecdsa \((nistp\d+)\)\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)", None),
        (r"^\s*\d+ bits EdDSA \((Ed\d+)\)\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)", None),
    ]
    for line in text.splitlines():
        for pattern, name_of in patterns:
            match = re.match(pattern, line)
            if not match:
                continue
            if name_of:
                rows[name_of(match)] = (float(match.group(1)), float(match.group(2)))
            else:
                rows[match.group(1)] = (float(match.group(2)), float(match.group(3)))
    return rows


def parse_bench(document):
    rates = {}
    for entry in document["benchmarks"]:
        rates[entry["name"]] = entry["items_per_second"]
    return rates


def best_rates(directory, pattern):
    openssl = {}
    for path in sorted(glob.glob(os.path.join(directory, f"openssl-{pattern}.txt"))):
        with open(path, encoding="utf-8") as handle:
            for row, (sign, verify) in parse_openssl(handle.read()).items():
                old_sign, old_verify = openssl.get(row, (0.0, 0.0))
                openssl[row] = (max(sign, old_sign), max(verify, old_verify))
    bench = {}
    for path in sorted(glob.glob(os.path.join(directory, f"bench-{pattern}.json"))):
        with open(path, encoding="utf-8") as handle:
            for name, rate in parse_bench(json.load(handle)).items():
                bench[name] = max(rate, bench.get(name, 0.0))
    return openssl, bench


def overhead(openssl_rate, our_rate):
    return (openssl_rate / our_rate - 1.0) * 100.0


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    directory, cpu, seconds = sys.argv[1:4]
    # Only the goal rows use the extra rounds, so every row compares like with like.
    single_openssl, single_bench = best_rates(directory, "all")
    best_openssl, best_bench = best_rates(directory, "*")
    version = subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()

    print("# JOSE signing and verification speed\n")
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `bash bench/run_jose.sh`"
          f" on {cpu_model()}, both programs pinned to CPU {cpu} with `taskset`, {version}."
          " The machine is shared with other builds, and one round of a row has varied by 30% to"
          " 80% between runs;"
          " RS256 and ES256 take the best of four alternating rounds, the other rows one"
          " round.\n")
    print("What is compared:\n")
    print(f"- **openssl speed** (`-seconds {seconds}`): `rsa2048`, `ecdsap256/384/521`, "
          "`ed25519`, `ed448`. For RSA and ECDSA it signs a short buffer with `EVP_PKEY_sign` "
          "on a context prepared once, so no hashing and no per-call setup. For EdDSA it "
          "runs `EVP_DigestSign` on a small message.")
    print("- **ours, signature layer** (`sign_signature`/`verify_signature` on a 36-byte "
          "message): what a caller pays per signature: a copy of the key's prepared digest "
          "context, SHA-2 over the message, and for ECDSA the DER to R||S conversion. This is "
          "the like-for-like row; overhead = openssl rate / our rate - 1, so a negative "
          "value means we measured faster (noise, since we do strictly more work).")
    print("- Both rates are per CPU second (`openssl speed` without `-elapsed`, Google "
          "Benchmark's `items_per_second`).")
    print("- **ours, whole JWS** (`sign_jws`/`verify_jws` on a small entity statement): "
          "adds JSON serialization or strict parsing, base64url, and for verification the "
          "kid lookup, typ, crit and time checks. No openssl counterpart.")
    print("- PS256..PS512 and RS384/RS512 are set against `rsa2048` PKCS #1 v1.5, the only "
          "RSA row `openssl speed` has; the private-key operation dominates all of them.\n")

    print("| alg | op | openssl ops/s | ours ops/s (signature layer) | overhead | "
          "ours ops/s (whole JWS) |")
    print("|---|---|---:|---:|---:|---:|")
    misses = []
    for alg, row in OPENSSL_ROW.items():
        openssl, bench = ((best_openssl, best_bench) if alg in TARGETS
                          else (single_openssl, single_bench))
        if row not in openssl:
            continue
        for index, op in enumerate(("sign", "verify")):
            openssl_rate = openssl[row][index]
            ours = bench.get(f"{op}_signature/{alg}")
            whole = bench.get(f"{op}_jws/{alg}")
            if ours is None or whole is None:
                continue
            percent = overhead(openssl_rate, ours)
            if alg in TARGETS and percent >= TARGET_OVERHEAD_PERCENT:
                misses.append(f"{alg} {op} ({percent:.1f}%)")
            print(f"| {alg} | {op} | {openssl_rate:,.0f} | {ours:,.0f} | {percent:+.1f}% | "
                  f"{whole:,.0f} |")

    print()
    if misses:
        print(f"Goal (overhead under {TARGET_OVERHEAD_PERCENT:.0f}% for RS256 and ES256): "
              f"missed for {', '.join(misses)}.")
    else:
        print(f"Goal (overhead under {TARGET_OVERHEAD_PERCENT:.0f}% for RS256 and ES256 sign "
              "and verify): met in this run.")


if __name__ == "__main__":
    main()
