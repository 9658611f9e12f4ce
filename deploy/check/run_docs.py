#!/usr/bin/env python3
"""Runs the shell commands of docs/*.md against a scratch instance on loopback.

A fenced block runs when its info string carries the word `test`:

    ```sh test                          run in order, in the doc's scratch folder
    ```sh test needs=serve,inmor-collection   only when inmor-admin has the
                                        command, or the binary is built
    ```sh test background=http://127.0.0.1:8080/health
                                        start in the background, wait for the URL
    ```toml file=taconfig.toml          not run: written to the scratch folder

Other blocks (plain ```sh, ```ini, ...) are for reading only. All blocks of one
document run in one bash process (so variables carry over), in a scratch
folder holding links to the source tree's scripts/ and deploy/, with the built
binaries first on PATH. Test blocks may name only 127.0.0.1, localhost or
hosts under .test. As root, each document runs in a network namespace of its
own that has nothing but loopback.

    run_docs.py --bin-dir DIR --docs DIR --work DIR --mode current|pending

`current` runs every block but those whose commands this build lacks (a block
that depends on such a block must carry the same needs=); `pending` runs each
document that has needs= blocks, whole, and exits 77 (skipped) while a command
is still missing. Exit 1 on any failure.
"""
import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^( *)```(\S*)(.*)$")
URL_HOST = re.compile(r"https?://([^/:\s\"'`]+)")
ALLOWED_HOSTS = {"127.0.0.1", "localhost"}
PORTS = {"8080": "ta", "8000": "admin", "9100": "metrics", "9101": "admin_metrics"}


@dataclass
class Block:
    doc: str
    line: int
    language: str
    text: str
    test: bool = False
    needs: list = field(default_factory=list)
    background: str = ""
    file: str = ""


def parse_blocks(path: Path) -> list:
    blocks = []
    lines = path.read_text().splitlines()
    index = 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match or not match.group(2):
            index += 1
            continue
        # A block inside a list item is indented, so its lines lose that indent.
        indent = len(match.group(1))
        start = index + 1
        end = start
        while end < len(lines) and not lines[end].lstrip(" ").startswith("```"):
            end += 1
        body = "\n".join(line[indent:] if line[:indent].isspace() else line
                         for line in lines[start:end])
        block = Block(path.name, start, match.group(2), body + "\n")
        for word in match.group(3).split():
            if word == "test":
                block.test = True
            elif word.startswith("needs="):
                block.needs = [name for name in word[6:].split(",") if name]
            elif word.startswith("background="):
                block.background = word[len("background="):]
            elif word.startswith("file="):
                block.file = word[5:]
        blocks.append(block)
        index = end + 1
    return blocks


def available_commands(bin_dir: Path) -> set:
    """inmor-admin's subcommands and the names of the built binaries."""
    binaries = {path.name for path in bin_dir.glob("inmor*") if path.is_file()}
    return binaries | admin_commands(bin_dir)


def admin_commands(bin_dir: Path) -> set:
    output = subprocess.run([str(bin_dir / "inmor-admin"), "--help"], capture_output=True,
                            text=True).stdout
    commands, listing = set(), False
    for line in output.splitlines():
        if line.startswith("Subcommands:"):
            listing = True
        elif listing and line.strip():
            commands.add(line.split()[0])
    return commands


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def check_hosts(block: Block) -> list:
    problems = []
    for host in URL_HOST.findall(block.text):
        if host not in ALLOWED_HOSTS and not host.endswith(".test"):
            problems.append(f"{block.doc}:{block.line}: test block names host {host}; "
                            "use 127.0.0.1, localhost or a .test host")
    return problems


def substitute_ports(text: str, ports: dict) -> str:
    for port, name in PORTS.items():
        for host in ("127.0.0.1", "localhost"):
            text = text.replace(f"{host}:{port}", f"127.0.0.1:{ports[name]}")
    return text


def quoted(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def build_script(blocks: list, ports: dict, log_dir: Path) -> str:
    lines = [
        "set -euo pipefail",
        "background_pids=()",
        'stop_background() { for pid in "${background_pids[@]}"; do kill "$pid" 2>/dev/null;'
        ' wait "$pid" 2>/dev/null; done; return 0; }',
        "trap stop_background EXIT",
        'current_block=""',
        "trap 'echo \"FAILED block ${current_block}\" >&2' ERR",
    ]
    for number, block in enumerate(blocks):
        text = substitute_ports(block.text, ports)
        where = f"{block.doc}:{block.line}"
        lines.append(f"current_block={quoted(where)}")
        lines.append(f"echo {quoted('--- ' + where)} >&2")
        if block.file:
            lines.append(f"cat > {quoted(block.file)} <<'INMOR_DOC_FILE'\n{text}INMOR_DOC_FILE")
        elif block.background:
            url = substitute_ports(block.background, ports)
            log = log_dir / f"background-{number}.log"
            lines.append(f"( {text} ) > {quoted(str(log))} 2>&1 &")
            lines.append("background_pids+=($!)")
            lines.append(
                f"for _ in $(seq 300); do curl -s -o /dev/null {quoted(url)} && break;"
                " sleep 0.1; done")
            lines.append(f"curl -s -o /dev/null {quoted(url)} || "
                         f"{{ echo 'no response from {url}; log:' >&2; "
                         f"cat {quoted(str(log))} >&2; exit 1; }}")
        else:
            lines.append(text)
    lines.append('echo "all blocks passed" >&2')
    return "\n".join(lines) + "\n"


def run_document(name: str, blocks: list, args, in_namespace: bool) -> bool:
    scratch = Path(args.work) / Path(name).stem
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    # Inside a namespace of its own the documented ports are free. Otherwise
    # they are replaced with free ones.
    ports = {name: (port if in_namespace else free_port()) for port, name in PORTS.items()}
    # Documents call scripts/backup.sh and friends as seen from the source tree.
    source_root = args.docs.resolve().parent
    for folder in ("scripts", "deploy"):
        (scratch / folder).symlink_to(source_root / folder)
    script = scratch / "doc-commands.sh"
    script.write_text(build_script(blocks, ports, scratch))

    env = dict(os.environ)
    env["PATH"] = f"{args.bin_dir}:{env['PATH']}"
    env["INMOR_BIN_DIR"] = str(args.bin_dir)
    command = ["bash", str(script)]
    if in_namespace:
        command = ["unshare", "--net", "bash", "-c",
                   f"ip link set lo up && exec bash {quoted(str(script))}"]
    result = subprocess.run(command, cwd=scratch, env=env, capture_output=True, text=True,
                            timeout=600)
    status = "PASS" if result.returncode == 0 else "FAIL"
    print(f"{status} {name}: {len(blocks)} blocks")
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-4000:])
        sys.stdout.write(result.stderr[-4000:])
    return result.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin-dir", type=Path, required=True)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--mode", choices=["current", "pending"], required=True)
    args = parser.parse_args()
    args.bin_dir = args.bin_dir.resolve()

    available = available_commands(args.bin_dir)
    in_namespace = os.geteuid() == 0 and shutil.which("unshare") and shutil.which("ip")
    if not in_namespace:
        print("note: not root, so documents run without a network namespace; "
              "documented ports are replaced with free loopback ports")

    problems, failed, skipped, ran = [], False, 0, 0
    for path in sorted(args.docs.glob("*.md")):
        blocks = [block for block in parse_blocks(path) if block.test or block.file]
        for block in blocks:
            problems += check_hosts(block) if block.test else []
        has_needs = any(block.needs for block in blocks)
        missing = sorted({name for block in blocks for name in block.needs} - available)
        if args.mode == "pending":
            if not has_needs:
                continue
            if missing:
                print(f"SKIPPED {path.name}: inmor-admin lacks {', '.join(missing)}")
                skipped += 1
                continue
            selected = blocks
        else:
            selected = [block for block in blocks if not set(block.needs) - available]
            waiting = [str(block.line) for block in blocks if set(block.needs) - available]
            if waiting:
                print(f"note {path.name}: blocks at lines {', '.join(waiting)} wait for "
                      f"{', '.join(missing)} (docs-pending runs them)")
        if not selected or not any(block.test for block in selected):
            continue
        ran += 1
        if not problems:
            failed |= not run_document(path.name, selected, args, bool(in_namespace))

    for problem in problems:
        print(f"FAIL {problem}")
    if problems or failed:
        return 1
    if skipped:
        return 77
    if ran == 0:
        print("SKIPPED: no document has blocks for this mode")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
