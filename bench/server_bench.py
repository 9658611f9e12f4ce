"""Benchmark inmor against nginx serving the same bytes as static files.

Runs wrk against each endpoint of the federation server and of an nginx set
up with identical response bodies, alternating the two, and writes medians
and min-max to a Markdown report. The server and wrk run pinned to different
CPUs with taskset. Rate limits and access logs are off on both.

Usage: server_bench.py BUILD_DIR REPORT.md [--runs N] [--seconds S]
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse

SERVER_CPU = "0"
WRK_CPU = "1"
CONNECTIONS = 32
THREADS = 1


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


def start_inmor(build, workdir, name, status_cache_seconds):
    port = free_port()
    config = os.path.join(workdir, f"{name}.toml")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(f'domain = "https://ta.test"\nlisten = "127.0.0.1:{port}"\n'
                     f'metrics_listen = ""\nlog_level = "warn"\n'
                     f"trust_mark_status_cache_seconds = {status_cache_seconds}\n"
                     'data_dir = "data"\n'
                     "[limits]\nresolve_per_minute = 0\ntrust_mark_status_per_minute = 0\n"
                     "collection_per_minute = 0\n")
    process = subprocess.Popen(["taskset", "-c", SERVER_CPU,
                                os.path.join(build, "src/cli/inmor"), "-c", config],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return process, port, config


def start_nginx(workdir, bodies):
    """nginx with one worker on the server CPU, each route a static file."""
    root = os.path.join(workdir, "nginx")
    os.makedirs(os.path.join(root, "html"), exist_ok=True)
    os.makedirs(os.path.join(root, "logs"), exist_ok=True)
    port = free_port()
    locations = []
    for index, (path, content_type, body) in enumerate(bodies):
        file_name = f"body{index}"
        with open(os.path.join(root, "html", file_name), "wb") as handle:
            handle.write(body)
        locations.append(f"        location = {path} {{ default_type {content_type}; "
                         f"alias {root}/html/{file_name}; }}")
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = os.path.join(root, "nginx.conf")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(f"""{user}worker_processes 1;
worker_cpu_affinity 1;
daemon off;
pid {root}/nginx.pid;
error_log {root}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    keepalive_requests 1000000;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port};
{chr(10).join(locations)}
    }}
}}
""")
    process = subprocess.Popen(["taskset", "-c", SERVER_CPU, "nginx", "-p", root, "-c", config],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for_port(port)
    return process, port


def run_wrk(port, path, seconds, script=None):
    command = ["taskset", "-c", WRK_CPU, "wrk", f"-t{THREADS}", f"-c{CONNECTIONS}",
               f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    command.append(f"http://127.0.0.1:{port}{path}")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = parse_latency(re.search(r"\s99%\s+([\d.]+\w+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses on {path}:\n{output}")
    return rate, p99


def parse_latency(text):
    """wrk latency ("812.00us", "1.20ms", "2.00s") in milliseconds."""
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def post_script(workdir, name, mark):
    path = os.path.join(workdir, f"{name}.lua")
    body = "trust_mark=" + urllib.parse.quote(mark, safe="")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('wrk.method = "POST"\n'
                     f'wrk.body = "{body}"\n'
                     'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n')
    return path


def summary(values):
    return statistics.median(values), min(values), max(values)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("report")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3)
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    seed = os.path.join(build, "tests/integration/inmor_seed")

    workdir = tempfile.mkdtemp(prefix="inmor-bench-")
    processes = []
    try:
        subprocess.run([seed, "keys", workdir, "ES256"], check=True, capture_output=True)
        cached, cached_port, config = start_inmor(build, workdir, "cached", 60)
        processes.append(cached)
        seeded = json.loads(subprocess.run([seed, "populate", config], check=True,
                                           capture_output=True, text=True).stdout)
        uncached, uncached_port, _ = start_inmor(build, workdir, "uncached", 0)
        processes.append(uncached)

        member = urllib.parse.quote("https://ta.test/tm/member", safe="")
        stored_routes = [
            ("entity configuration", "/.well-known/openid-federation",
             "application/entity-statement+jwt"),
            ("fetch", "/fetch?sub=https%3A%2F%2Frp1.test", "application/entity-statement+jwt"),
            ("list", "/list", "application/json"),
            ("trust_mark", f"/trust_mark?trust_mark_type={member}&sub=https%3A%2F%2Frp1.test",
             "application/trust-mark+jwt"),
        ]
        # nginx serves the same bodies that inmor returns.
        bodies = []
        for _, path, content_type in stored_routes:
            body = subprocess.run(["curl", "-sf", f"http://127.0.0.1:{cached_port}{path}"],
                                  check=True, capture_output=True).stdout
            bodies.append((path.split("?")[0], content_type, body))
        nginx, nginx_port = start_nginx(workdir, bodies)
        processes.append(nginx)

        status_script = post_script(workdir, "status", seeded["marks"]["active"])
        results = {}
        for run in range(args.runs):
            for name, path, _ in stored_routes:
                # Alternate which server goes first, so drift hits both alike.
                order = [("inmor", cached_port), ("nginx", nginx_port)]
                if run % 2:
                    order.reverse()
                for server, port in order:
                    results.setdefault((name, server), []).append(
                        run_wrk(port, path, args.seconds))
            results.setdefault(("trust_mark_status cached", "inmor"), []).append(
                run_wrk(cached_port, "/trust_mark_status", args.seconds, status_script))
            results.setdefault(("trust_mark_status uncached", "inmor"), []).append(
                run_wrk(uncached_port, "/trust_mark_status", args.seconds, status_script))
            crypto = subprocess.run(["taskset", "-c", SERVER_CPU, seed, "crypto", config,
                                     seeded["marks"]["active"], str(args.seconds)],
                                    check=True, capture_output=True, text=True).stdout
            results.setdefault(("crypto limit", "verify+sign"), []).append(
                (float(crypto), 0.0))

        write_report(args, results, stored_routes)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def write_report(args, results, stored_routes):
    lines = [
        "# Federation server benchmark",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC with "
        f"`bench/run_server.sh` on {platform.machine()}, {os.cpu_count()} CPUs, shared with "
        "other builds (numbers are noisy). Server (inmor with 1 worker thread, or nginx with "
        f"1 worker) pinned to CPU {SERVER_CPU}, wrk to CPU {WRK_CPU}; wrk -t{THREADS} "
        f"-c{CONNECTIONS} -d{args.seconds}s, {args.runs} alternating runs; access logs and "
        "rate limits off; Release build; embedded SQLite store, so after the first read "
        "every answer comes from inmor's in-memory cache. Values: median (min-max).",
        "",
        "| endpoint | inmor req/s | nginx req/s | ratio | inmor p99 ms | nginx p99 ms | "
        "p99 ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, _, _ in stored_routes:
        ours = results[(name, "inmor")]
        theirs = results[(name, "nginx")]
        rate, rate_min, rate_max = summary([r for r, _ in ours])
        n_rate, n_min, n_max = summary([r for r, _ in theirs])
        p99, p99_min, p99_max = summary([p for _, p in ours])
        n_p99, n_p99_min, n_p99_max = summary([p for _, p in theirs])
        lines.append(
            f"| {name} | {rate:.0f} ({rate_min:.0f}-{rate_max:.0f}) | "
            f"{n_rate:.0f} ({n_min:.0f}-{n_max:.0f}) | {rate / n_rate:.2f} | "
            f"{p99:.2f} ({p99_min:.2f}-{p99_max:.2f}) | "
            f"{n_p99:.2f} ({n_p99_min:.2f}-{n_p99_max:.2f}) | {p99 / n_p99:.2f} |")
    lines += ["", "| trust_mark_status | req/s | p99 ms |", "|---|---|---|"]
    for name in ["trust_mark_status cached", "trust_mark_status uncached"]:
        rate, rate_min, rate_max = summary([r for r, _ in results[(name, "inmor")]])
        p99, p99_min, p99_max = summary([p for _, p in results[(name, "inmor")]])
        lines.append(f"| {name.split()[1]} | {rate:.0f} ({rate_min:.0f}-{rate_max:.0f}) | "
                     f"{p99:.2f} ({p99_min:.2f}-{p99_max:.2f}) |")
    crypto, crypto_min, crypto_max = summary([r for r, _ in results[("crypto limit",
                                                                      "verify+sign")]])
    uncached = summary([r for r, _ in results[("trust_mark_status uncached", "inmor")]])[0]
    lines += [
        "",
        f"Crypto limit (ES256 verify of the mark plus ES256 sign of the answer, one thread, "
        f"same CPU, measured between runs): {crypto:.0f}/s ({crypto_min:.0f}-{crypto_max:.0f}). "
        f"Uncached trust_mark_status reaches {uncached / crypto:.0%} of it.",
        "",
    ]
    with open(args.report, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
