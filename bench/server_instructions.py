"""Instructions per request of the federation server, counted by callgrind.

Wall-clock rates on a shared machine vary by up to 2x; instruction counts do
not. For each route this script starts inmor under `valgrind --tool=callgrind`
twice. It sends WARMUP requests in one run and WARMUP + COUNT in the other over
one keep-alive connection, and reports (second total - first total) / COUNT.
That is the number of user-space instructions one more request costs, with
start-up and warm-up excluded. Kernel work (socket calls) is not counted.

Usage: server_instructions.py BUILD_DIR [--baseline OTHER_BUILD_DIR]
                              [--count N] [--warmup N] [--report FILE.md]
BUILD_DIR (and OTHER_BUILD_DIR) contain src/cli/inmor and
tests/integration/inmor_seed, as bench/run_server.sh builds them.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse

import server_bench

# One worker thread, so callgrind counts one thread's work without a strand.
ONE_THREAD = "server_threads = 1\n"
MEMBER = urllib.parse.quote("https://ta.test/tm/member", safe="")
ROUTES = [
    ("entity configuration", "GET", "/.well-known/openid-federation", 60),
    ("fetch", "GET", "/fetch?sub=https%3A%2F%2Frp1.test", 60),
    ("list", "GET", "/list", 60),
    ("trust_mark", "GET", f"/trust_mark?trust_mark_type={MEMBER}&sub=https%3A%2F%2Frp1.test",
     60),
    ("trust_mark_status cached", "POST", "/trust_mark_status", 60),
    ("trust_mark_status uncached", "POST", "/trust_mark_status", 0),
]


def send(port, method, path, body, count):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    for _ in range(count):
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{method} {path} returned status {response.status}")
    connection.close()


def total_instructions(inmor, config, port, out_file, method, path, body, count):
    """Run inmor under callgrind for `count` requests and return its total Ir."""
    process = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}",
                                inmor, "-c", config],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        server_bench.wait_for_port(port, timeout=120)
        send(port, method, path, body, count)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
    with open(out_file, encoding="utf-8") as handle:
        for line in handle:
            found = re.match(r"(?:summary|totals):\s+(\d+)", line)
            if found:
                return int(found.group(1))
    raise RuntimeError(f"no instruction total in {out_file}")


def measure(build, workdir, args):
    inmor = os.path.join(build, "src/cli/inmor")
    seed = os.path.join(build, "tests/integration/inmor_seed")
    setup = os.path.join(workdir, "setup.toml")
    server_bench.write_config(workdir, "setup", 0, 0, ONE_THREAD)
    seeded = json.loads(subprocess.run([seed, "populate", setup], check=True,
                                       capture_output=True, text=True).stdout)
    body = "trust_mark=" + urllib.parse.quote(seeded["marks"]["active"], safe="")
    results = {}
    for name, method, path, cache_seconds in ROUTES:
        port = server_bench.free_port()
        config = server_bench.write_config(workdir, "measure", port, cache_seconds,
                                            ONE_THREAD)
        request_body = body if method == "POST" else None
        out = os.path.join(workdir, "callgrind.out")
        base = total_instructions(inmor, config, port, out, method, path, request_body,
                                  args.warmup)
        more = total_instructions(inmor, config, port, out, method, path, request_body,
                                  args.warmup + args.count)
        results[name] = (more - base) / args.count
        print(f"{build}: {name}: {results[name]:.0f} instructions/request", file=sys.stderr)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--baseline")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--report")
    args = parser.parse_args()

    builds = [os.path.abspath(args.build)]
    if args.baseline:
        builds.insert(0, os.path.abspath(args.baseline))
    measured = []
    for build in builds:
        workdir = tempfile.mkdtemp(prefix="inmor-instr-")
        try:
            subprocess.run([os.path.join(build, "tests/integration/inmor_seed"), "keys",
                            workdir, "ES256"], check=True, capture_output=True)
            measured.append(measure(build, workdir, args))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    lines = [f"Instructions per request (callgrind, user space only, {args.count} requests "
             f"after {args.warmup} warm-up ones, one keep-alive connection):", ""]
    if len(measured) == 2:
        lines += ["| endpoint | baseline | this build | change |", "|---|---|---|---|"]
        for name, _, _, _ in ROUTES:
            before, after = measured[0][name], measured[1][name]
            lines.append(f"| {name} | {before:.0f} | {after:.0f} | "
                         f"{(after - before) / before:+.0%} |")
    else:
        lines += ["| endpoint | instructions |", "|---|---|"]
        for name, _, _, _ in ROUTES:
            lines.append(f"| {name} | {measured[0][name]:.0f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write(text)


if __name__ == "__main__":
    sys.exit(main())
