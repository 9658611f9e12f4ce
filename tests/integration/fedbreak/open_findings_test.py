"""Findings of the fedbreak review that needed a design decision rather
than a small fix: live resolves bounded so they cannot take every HTTP
worker, and the embedded store following a file deleted and created again.
Each test failed on the code the review was written against.
"""

import os
import subprocess
import threading
import time
import unittest

from ops_break_test import RP1, EmbeddedStoreUnderAttack
from resolve_break_test import HangingFederation, quote, raw_get


class ResolveBlocksWorkers(HangingFederation):
    """Live resolution runs on the HTTP worker threads (server_threads = 2
    here), so a few resolves of hanging entities stall every route."""

    def test_hanging_resolves_do_not_stall_other_routes(self):
        leaves = [self.hanging_leaf() for _ in range(4)]
        results = []

        def resolve(leaf):
            started = time.monotonic()
            status, headers, _ = raw_get(
                self.anchor.port, "/resolve?sub=" + quote(leaf.entity_id) + "&trust_anchor=" +
                quote(self.anchor.entity_id))
            results.append((status, headers, time.monotonic() - started))
        threads = [threading.Thread(target=resolve, args=(leaf,), daemon=True)
                   for leaf in leaves]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        started = time.monotonic()
        status, _, _ = raw_get(self.anchor.port, "/health", timeout=30)
        elapsed = time.monotonic() - started
        for thread in threads:
            thread.join(30)
        self.assertEqual(status, 200)
        self.assertLess(elapsed, 1.0, f"/health waited {elapsed:.1f} s behind hanging resolves")
        # One worker of two may wait for a live computation; the other
        # resolves are rejected at once with 503 and a Retry-After.
        self.assertEqual(len(results), len(leaves), results)
        rejected = [(status, headers, took) for status, headers, took in results
                   if status == 503 and took < 1.0]
        self.assertEqual(len(rejected), len(leaves) - 1, results)
        for _, headers, _ in rejected:
            self.assertEqual(len([v for n, v in headers if n == "retry-after"]), 1, headers)


class DeletedStoreFile(EmbeddedStoreUnderAttack):
    """The embedded store keeps reading an unlinked database file."""

    def test_deleted_store_file_is_followed(self):
        self.assertIsNotNone(self.db_path)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(self.db_path + suffix):
                os.remove(self.db_path + suffix)
        time.sleep(2)
        status, _, body = self.server.get("/fetch?sub=" + quote(RP1))
        self.assertNotEqual(status, 500, body)
        # A writer recreates the file; then a hand edit removes one
        # subordinate. The server must follow the new file within cache_ttl,
        # not keep reading the unlinked one.
        self.workspace.seed()
        subprocess.run(["sqlite3", self.db_path, "DELETE FROM hashes WHERE key = "
                        "'inmor:subordinates' AND field = '" + RP1 + "';"],
                       check=True, capture_output=True)
        time.sleep(3)
        status, _, body = self.server.get("/fetch?sub=" + quote(RP1))
        self.assertEqual(status, 404, body)


del HangingFederation, EmbeddedStoreUnderAttack

if __name__ == "__main__":
    unittest.main()
