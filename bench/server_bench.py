"""Benchmark inmor against nginx serving the same bytes as static files.

Runs wrk against each endpoint of the federation server and of an nginx set
up with identical response bodies, alternating them, and writes medians and
min-max to a Markdown report. With --baseline, a second inmor (an earlier
build) takes turns with them in the same run. The servers and wrk run pinned
to different CPUs with taskset. Rate limits and access logs are off on all.

Besides requests per second, each run records the server's CPU time per
request (from /proc/PID/task/*/schedstat, all threads, user and kernel).
On a machine shared with other work a server loses CPU to its neighbours and
its rate drops, but the CPU time one request costs stays nearly the same,
so the CPU ratios are the steadier comparison.

Usage: server_bench.py BUILD_DIR REPORT.md [--baseline BUILD_DIR] [--runs N]
                       [--seconds S]
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


def cpu_nanoseconds(pid):
    """Return the CPU time in ns used so far by a process, its threads and its children."""
    total = 0
    pids = [pid]
    while pids:
        current = pids.pop()
        task_dir = f"/proc/{current}/task"
        for task in os.listdir(task_dir):
            try:
                with open(f"{task_dir}/{task}/schedstat", encoding="ascii") as handle:
                    total += int(handle.read().split()[0])
                with open(f"{task_dir}/{task}/children", encoding="ascii") as handle:
                    pids += [int(child) for child in handle.read().split()]
            except FileNotFoundError:
                pass  # The task exited after os.listdir() listed it.
    return total


def write_config(workdir, name, port, status_cache_seconds, extra=""):
    """Write WORKDIR/NAME.toml for an inmor on `port` with rate limits off, and return its path."""
    config = os.path.join(workdir, f"{name}.toml")
    with open(config, "w", encoding="utf-8") as handle:
        handle.write(f'domain = "https://ta.test"\nlisten = "127.0.0.1:{port}"\n'
                     f'metrics_listen = ""\nlog_level = "warn"\n{extra}'
                     f"trust_mark_status_cache_seconds = {status_cache_seconds}\n"
                     'data_dir = "data"\n'
                     "[limits]\nresolve_per_minute = 0\ntrust_mark_status_per_minute = 0\n"
                     "collection_per_minute = 0\n")
    return config


def start_inmor(build, workdir, name, status_cache_seconds):
    port = free_port()
    config = write_config(workdir, name, port, status_cache_seconds)
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


def run_wrk(port, path, seconds, pid, script=None):
    """Run wrk and return requests per second, p99 latency in ms and server CPU us/request."""
    command = ["taskset", "-c", WRK_CPU, "wrk", f"-t{THREADS}", f"-c{CONNECTIONS}",
               f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    command.append(f"http://127.0.0.1:{port}{path}")
    cpu_before = cpu_nanoseconds(pid)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    cpu = cpu_nanoseconds(pid) - cpu_before
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p99 = parse_latency(re.search(r"\s99%\s+([\d.]+\w+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} error responses on {path}:\n{output}")
    return rate, p99, cpu / 1000 / requests


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


def crypto_limit(seed, config, mark, seconds):
    """Run `inmor_seed crypto` on the server CPU and return its JSON rates."""
    output = subprocess.run(["taskset", "-c", SERVER_CPU, seed, "crypto", config, mark,
                             str(seconds)], check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("report")
    parser.add_argument("--baseline", help="build directory of an earlier inmor to compare")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=3)
    args = parser.parse_args()
    build = os.path.abspath(args.build)
    seed = os.path.join(build, "tests/integration/inmor_seed")
    builds = [("inmor", build)]
    if args.baseline:
        builds.append(("baseline", os.path.abspath(args.baseline)))

    workdir = tempfile.mkdtemp(prefix="inmor-bench-")
    processes = []
    try:
        subprocess.run([seed, "keys", workdir, "ES256"], check=True, capture_output=True)
        # Every server reads the one store, seeded once.
        servers = {}
        seeded = None
        for label, server_build in builds:
            cached, cached_port, config = start_inmor(server_build, workdir, f"{label}-cached",
                                                      60)
            processes.append(cached)
            if seeded is None:
                seeded = json.loads(subprocess.run([seed, "populate", config], check=True,
                                                   capture_output=True, text=True).stdout)
            uncached, uncached_port, _ = start_inmor(server_build, workdir,
                                                     f"{label}-uncached", 0)
            processes.append(uncached)
            servers[label] = {"cached": (cached_port, cached.pid),
                              "uncached": (uncached_port, uncached.pid)}

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
            body = subprocess.run(
                ["curl", "-sf", f"http://127.0.0.1:{servers['inmor']['cached'][0]}{path}"],
                check=True, capture_output=True).stdout
            bodies.append((path.split("?")[0], content_type, body))
        nginx, nginx_port = start_nginx(workdir, bodies)
        processes.append(nginx)
        stored_servers = [(label, *servers[label]["cached"]) for label, _ in builds]
        stored_servers.append(("nginx", nginx_port, nginx.pid))

        mark = seeded["marks"]["active"]
        status_script = post_script(workdir, "status", mark)
        results = {}
        for run in range(args.runs):
            # Rotate which server goes first, so drift hits all alike.
            shift = run % len(stored_servers)
            order = stored_servers[shift:] + stored_servers[:shift]
            for name, path, _ in stored_routes:
                for server, port, pid in order:
                    results.setdefault((name, server), []).append(
                        run_wrk(port, path, args.seconds, pid))
            status_order = builds[run % len(builds):] + builds[:run % len(builds)]
            for label, _ in status_order:
                for kind in ["cached", "uncached"]:
                    port, pid = servers[label][kind]
                    results.setdefault((f"trust_mark_status {kind}", label), []).append(
                        run_wrk(port, "/trust_mark_status", args.seconds, pid, status_script))
            limits = crypto_limit(seed, os.path.join(workdir, "inmor-cached.toml"), mark,
                                  args.seconds)
            for kind in ["signature", "jws"]:
                results.setdefault(("crypto limit", kind), []).append(limits[kind])

        write_report(args, results, stored_routes, [label for label, _ in builds])
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def cell(values, digits):
    middle, low, high = summary(values)
    return f"{middle:.{digits}f} ({low:.{digits}f}-{high:.{digits}f})"


def stored_table(results, stored_routes, label):
    """Return the Markdown table rows of `label` (this build or the baseline) against nginx."""
    lines = [
        f"| endpoint | {label} req/s | nginx req/s | ratio | {label} p99 ms | nginx p99 ms | "
        f"p99 ratio | {label} CPU us/req | nginx CPU us/req | CPU ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, _, _ in stored_routes:
        ours = results[(name, label)]
        theirs = results[(name, "nginx")]
        rate, n_rate = (summary([r[0] for r in runs])[0] for runs in (ours, theirs))
        p99, n_p99 = (summary([r[1] for r in runs])[0] for runs in (ours, theirs))
        cpu, n_cpu = (summary([r[2] for r in runs])[0] for runs in (ours, theirs))
        # CPU ratio: nginx's CPU time per request over ours, so above 1 means cheaper.
        lines.append(
            f"| {name} | {cell([r[0] for r in ours], 0)} | {cell([r[0] for r in theirs], 0)} | "
            f"{rate / n_rate:.2f} | {cell([r[1] for r in ours], 2)} | "
            f"{cell([r[1] for r in theirs], 2)} | {p99 / n_p99:.2f} | "
            f"{cell([r[2] for r in ours], 1)} | {cell([r[2] for r in theirs], 1)} | "
            f"{n_cpu / cpu:.2f} |")
    return lines


def write_report(args, results, stored_routes, labels):
    with open("/proc/loadavg", encoding="ascii") as handle:
        load = " ".join(handle.read().split()[:3])
    servers = "inmor (this build" + (" and a baseline build)" if len(labels) > 1 else ")")
    lines = [
        "# Federation server benchmark",
        "",
        f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC with "
        f"`bench/run_server.sh` on {platform.machine()}, {os.cpu_count()} CPUs, load average "
        f"{load} at the end of the run. Servers ({servers}, with 1 worker thread each; nginx "
        f"with 1 worker) pinned to CPU {SERVER_CPU}, wrk to CPU {WRK_CPU}; wrk -t{THREADS} "
        f"-c{CONNECTIONS} -d{args.seconds}s, {args.runs} runs taking turns; access logs and "
        "rate limits off; Release build; embedded SQLite store, so after the first read "
        "every answer comes from inmor's in-memory cache. Values: median (min-max). CPU "
        "us/req is the server's CPU time (all threads, user and kernel) per answered request; "
        "CPU ratio is nginx's CPU time per request over inmor's (above 1: inmor is cheaper).",
        "",
    ]
    for label in labels:
        if len(labels) > 1:
            lines += [f"### {label} against nginx", ""]
        lines += stored_table(results, stored_routes, label) + [""]

    signature = [limit["per_second"] for limit in results[("crypto limit", "signature")]]
    signature_cpu = [limit["per_cpu_second"] for limit in results[("crypto limit", "signature")]]
    jws = [limit["per_second"] for limit in results[("crypto limit", "jws")]]
    jws_cpu = [limit["per_cpu_second"] for limit in results[("crypto limit", "jws")]]
    limit_rate = summary(signature)[0]
    limit_cpu_us = 1e6 / summary(signature_cpu)[0]
    lines += [
        "| trust_mark_status | server | req/s | p99 ms | CPU us/req | rate / crypto limit | "
        "crypto CPU / server CPU |",
        "|---|---|---|---|---|---|---|",
    ]
    for kind in ["cached", "uncached"]:
        for label in labels:
            runs = results[(f"trust_mark_status {kind}", label)]
            rate = summary([r[0] for r in runs])[0]
            cpu = summary([r[2] for r in runs])[0]
            lines.append(f"| {kind} | {label} | {cell([r[0] for r in runs], 0)} | "
                         f"{cell([r[1] for r in runs], 2)} | {cell([r[2] for r in runs], 1)} | "
                         f"{rate / limit_rate:.0%} | {limit_cpu_us / cpu:.0%} |")
    lines += [
        "",
        "Crypto limit, measured by `inmor_seed crypto` between runs on the server CPU with "
        "keys parsed once: one ES256 verification of the mark plus one ES256 signature of an "
        "answer of the real size.",
        "",
        "| crypto limit | per second | per CPU second |",
        "|---|---|---|",
        f"| signature primitives (jose::verify_signature + jose::sign_signature) | "
        f"{cell(signature, 0)} | {cell(signature_cpu, 0)} |",
        f"| whole JWS (verify_jws + sign_jws, with decoding, JSON and base64url) | "
        f"{cell(jws, 0)} | {cell(jws_cpu, 0)} |",
        "",
        "The trust_mark_status ratios compare with the signature primitives, the stricter "
        "reference: \"rate / crypto limit\" divides medians of rates taken at different "
        "moments, \"crypto CPU / server CPU\" divides CPU time per operation and is the one "
        "that holds on a shared machine.",
        "",
    ]
    generated = "\n".join(lines)
    # Read before opening for writing, which empties the file.
    notes = kept_notes(args.report)
    with open(args.report, "w", encoding="utf-8") as handle:
        handle.write(generated + "\n" + notes)
    print(generated)


def kept_notes(report):
    """Return the report's hand-written part: everything from its first "## " heading on.

    The run replaces only the tables above it, so instruction counts and reading notes
    survive a rerun. Their dates may need updating by hand.
    """
    try:
        with open(report, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return ""
    start = text.find("\n## ")
    return text[start + 1:] if start >= 0 else ""


if __name__ == "__main__":
    sys.exit(main())
