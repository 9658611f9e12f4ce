"""Registers a demo federation through the admin APIs, walks it and resolves it.

The anchor and the intermediate are running `inmor` + `inmor-admin serve`
instances; the leaves are served by leaf_server.py. Everything is registered
over HTTP with API keys (X-API-Key), never by writing a store:
  1. the intermediate's leaves as subordinates of the intermediate;
  2. the intermediate and the other leaves as subordinates of the anchor;
  3. two trust mark types on the anchor, marks for every provider and some
     relying parties, and one mark revoked;
  4. the collection walked with inmor-collection;
  5. every leaf resolved through the anchor's /resolve.
A summary is printed, and written as JSON with --summary for the tests.
Every request goes to 127.0.0.1 only.
"""

import argparse
import base64
import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

MEMBER_TYPE = "https://trust.example.test/tm/member"
CERTIFIED_TYPE = "https://trust.example.test/tm/certified-provider"


def decode_payload(jwt: str) -> dict:
    payload = jwt.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def require_loopback(url: str) -> None:
    if urllib.parse.urlsplit(url).hostname != "127.0.0.1":
        raise SystemExit(f"demo: refusing a request to {url}: only 127.0.0.1 is used")


def http_get(url: str) -> tuple:
    require_loopback(url)
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


class AdminClient:
    """The /api/v1 of one inmor-admin serve, authenticated with an API key."""

    def __init__(self, base: str, api_key: str):
        self.base = base.rstrip("/") + "/api/v1"
        self.api_key = api_key

    def call(self, method: str, path: str, body=None) -> dict:
        url = self.base + path
        require_loopback(url)
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method, headers={
            "X-API-Key": self.api_key, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace")
            raise SystemExit(f"demo: {method} {path} returned {error.code}: {detail}")

    def add_subordinate(self, entity_id: str, jwks: dict, metadata: dict) -> dict:
        return self.call("POST", "/subordinates", {
            "entityid": entity_id, "jwks": jwks, "metadata": metadata,
            "forced_metadata": {}, "autorenew": True, "active": True})


def register(arguments, leaves: list, summary: dict) -> None:
    anchor = AdminClient(arguments.anchor_admin, arguments.anchor_key)
    intermediate = AdminClient(arguments.intermediate_admin, arguments.intermediate_key)
    started = time.monotonic()

    for leaf in leaves:
        if leaf["superior"] == arguments.intermediate_id:
            intermediate.add_subordinate(leaf["entity_id"], leaf["jwks"], leaf["metadata"])

    status, body = http_get(arguments.intermediate_id + "/.well-known/openid-federation")
    if status != 200:
        raise SystemExit(f"demo: the intermediate's configuration returned {status}: {body}")
    configuration = decode_payload(body)
    anchor.add_subordinate(arguments.intermediate_id, configuration["jwks"],
                           configuration.get("metadata", {}))
    for leaf in leaves:
        if leaf["superior"] == arguments.anchor_id:
            anchor.add_subordinate(leaf["entity_id"], leaf["jwks"], leaf["metadata"])

    types = {}
    for tmtype in (MEMBER_TYPE, CERTIFIED_TYPE):
        created = anchor.call("POST", "/trustmarktypes", {
            "tmtype": tmtype, "autorenew": True, "valid_for": 8760, "renewal_time": 48,
            "active": True})
        types[tmtype] = created["id"]

    marks = []
    for index, leaf in enumerate(leaves):
        chosen = [MEMBER_TYPE] if leaf["kind"] == "op" or index % 2 == 0 else []
        if leaf["kind"] == "op":
            chosen.append(CERTIFIED_TYPE)
        for tmtype in chosen:
            issued = anchor.call("POST", "/trustmarks", {
                "tmt": types[tmtype], "domain": leaf["entity_id"], "autorenew": True})
            marks.append({"id": issued["id"], "type": tmtype, "sub": leaf["entity_id"],
                          "mark": issued["mark"]})

    revoked = marks[1]
    anchor.call("PUT", f"/trustmarks/{revoked['id']}", {"active": False})
    revoked["revoked"] = True
    # The types each leaf's resolve response must carry: its marks but the revoked one.
    for leaf in leaves:
        leaf["trust_mark_types"] = [mark["type"] for mark in marks
                                    if mark["sub"] == leaf["entity_id"] and mark is not revoked]

    summary["registration_seconds"] = round(time.monotonic() - started, 2)
    summary["subordinates_of_anchor"] = 1 + sum(
        leaf["superior"] == arguments.anchor_id for leaf in leaves)
    summary["subordinates_of_intermediate"] = sum(
        leaf["superior"] == arguments.intermediate_id for leaf in leaves)
    summary["trust_mark_types"] = types
    summary["trust_marks"] = marks
    summary["revoked_trust_mark"] = revoked


def collection_total(arguments) -> int:
    status, body = http_get(arguments.anchor_id + "/status")
    return json.loads(body)["collection"]["total_entities"] if status == 200 else -1


def walk(arguments, expected_entities: int, summary: dict) -> None:
    """Runs inmor-collection until the collection contains every entity.

    The admin's scheduler walks too; a scheduled walk that started during the
    registration can finish after ours and replace its result with fewer
    entities, so a short collection is walked again (three tries at most).
    """
    started = time.monotonic()
    for attempt in range(1, 4):
        completed = subprocess.run(
            [arguments.collection_bin, "-c", arguments.anchor_config, arguments.anchor_id],
            capture_output=True, text=True, timeout=300)
        if completed.returncode != 0:
            raise SystemExit("demo: inmor-collection failed:\n" + completed.stdout +
                             completed.stderr)
        summary["walk_seconds"] = round(time.monotonic() - started, 2)
        summary["walks"] = attempt
        # The server reads the new collection within its cache_ttl (1 s by default).
        for _ in range(20):
            total = collection_total(arguments)
            if total == expected_entities:
                break
            time.sleep(0.25)
        summary["collection_entities"] = total
        if total == expected_entities:
            return
        time.sleep(1)


def resolve_one(arguments, leaf: dict, deadline: float) -> dict:
    query = urllib.parse.urlencode({"sub": leaf["entity_id"],
                                    "trust_anchor": arguments.anchor_id})
    url = f"{arguments.anchor_id}/resolve?{query}"
    while True:
        started = time.monotonic()
        status, body = http_get(url)
        elapsed = time.monotonic() - started
        # Entities the walk found are precomputed shortly after the walk
        # swaps its data in; until then the server returns 404 or 503.
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    result = {"entity_id": leaf["entity_id"], "status": status,
              "milliseconds": round(elapsed * 1000, 2)}
    if status != 200:
        result["error"] = body[:300]
        return result
    claims = decode_payload(body)
    # The leaf's configuration, one statement per superior, the anchor's configuration.
    expected_length = 4 if leaf["superior"] == arguments.intermediate_id else 3
    result["chain_length"] = len(claims.get("trust_chain", []))
    result["metadata_equal"] = claims.get("metadata") == leaf["metadata"]
    result["trust_mark_types"] = sorted(mark.get("trust_mark_type", "")
                                        for mark in claims.get("trust_marks", []))
    result["expected_trust_mark_types"] = sorted(leaf.get("trust_mark_types", []))
    result["ok"] = (result["chain_length"] == expected_length and result["metadata_equal"] and
                    result["trust_mark_types"] == result["expected_trust_mark_types"])
    result["response"] = body
    return result


def resolve_all(arguments, leaves: list, summary: dict) -> None:
    started = time.monotonic()
    deadline = started + arguments.resolve_wait
    results = [resolve_one(arguments, leaf, deadline) for leaf in leaves]
    summary["resolve_seconds"] = round(time.monotonic() - started, 2)

    # A second pass over precomputed responses: the time a relying party sees.
    timings = []
    for leaf in leaves:
        query = urllib.parse.urlencode({"sub": leaf["entity_id"],
                                        "trust_anchor": arguments.anchor_id})
        began = time.monotonic()
        http_get(f"{arguments.anchor_id}/resolve?{query}")
        timings.append((time.monotonic() - began) * 1000)
    timings.sort()
    summary["resolve_warm_ms"] = {
        "median": round(timings[len(timings) // 2], 2),
        "p95": round(timings[int(len(timings) * 0.95) - 1], 2),
        "max": round(timings[-1], 2)}
    summary["resolved"] = results
    summary["chains_ok"] = sum(1 for result in results if result.get("ok"))
    summary["chains_failed"] = len(results) - summary["chains_ok"]


def print_summary(summary: dict) -> None:
    leaves = summary["leaves"]
    print("\nDemo federation summary")
    print(f"  leaves                 {leaves['total']} ({leaves['providers']} providers, "
          f"{leaves['relying_parties']} relying parties)")
    print(f"  under the anchor       {summary['subordinates_of_anchor']} subordinates "
          f"(the intermediate and {summary['subordinates_of_anchor'] - 1} leaves)")
    print(f"  under the intermediate {summary['subordinates_of_intermediate']} leaves")
    print(f"  trust marks            {len(summary['trust_marks'])} issued in "
          f"{len(summary['trust_mark_types'])} types, 1 revoked "
          f"(id {summary['revoked_trust_mark']['id']})")
    print(f"  registration           {summary['registration_seconds']} s")
    print(f"  collection walk        {summary['walk_seconds']} s, "
          f"{summary['collection_entities']} entities, {summary['walks']} walk(s)")
    print(f"  resolve                {summary['chains_ok']} chains ok, "
          f"{summary['chains_failed']} failed, first pass {summary['resolve_seconds']} s")
    warm = summary["resolve_warm_ms"]
    print(f"  resolve (warm)         median {warm['median']} ms, p95 {warm['p95']} ms, "
          f"max {warm['max']} ms")
    for result in summary["resolved"]:
        if not result.get("ok"):
            print(f"  FAILED {result['entity_id']} status={result['status']} "
                  f"{result.get('error', '')[:200]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--anchor-id", required=True)
    parser.add_argument("--anchor-admin", required=True)
    parser.add_argument("--anchor-key", required=True)
    parser.add_argument("--anchor-config", required=True)
    parser.add_argument("--intermediate-id", required=True)
    parser.add_argument("--intermediate-admin", required=True)
    parser.add_argument("--intermediate-key", required=True)
    parser.add_argument("--leaves", required=True, help="the file leaf_server.py wrote")
    parser.add_argument("--collection-bin", required=True)
    parser.add_argument("--resolve-wait", type=float, default=60,
                        help="seconds to wait for precomputed resolve responses")
    parser.add_argument("--summary", help="write the summary as JSON here")
    arguments = parser.parse_args()

    with open(arguments.leaves, encoding="utf-8") as source:
        leaves = json.load(source)
    summary = {"anchor": arguments.anchor_id, "intermediate": arguments.intermediate_id,
               "leaves": {"total": len(leaves),
                          "providers": sum(leaf["kind"] == "op" for leaf in leaves),
                          "relying_parties": sum(leaf["kind"] == "rp" for leaf in leaves)},
               "leaf_list": leaves}
    register(arguments, leaves, summary)
    walk(arguments, len(leaves) + 1, summary)
    resolve_all(arguments, leaves, summary)
    print_summary(summary)
    if arguments.summary:
        with open(arguments.summary, "w", encoding="utf-8") as out:
            json.dump(summary, out, ensure_ascii=False, indent=1)
    complete = summary["collection_entities"] == len(leaves) + 1
    if not complete:
        print(f"demo: the collection contains {summary['collection_entities']} entities, "
              f"expected {len(leaves) + 1}")
    return 0 if summary["chains_failed"] == 0 and complete else 1


if __name__ == "__main__":
    sys.exit(main())
