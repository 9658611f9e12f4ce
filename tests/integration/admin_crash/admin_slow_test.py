"""Slow subordinates against `inmor-admin serve`: requests that wait on
outbound fetches must leave threads for every other admin request."""

import concurrent.futures
import time
import unittest

from harness import Deployment, SubordinateHost, request


class AdminSlowSubordinatesTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.deployment = Deployment("inmor-admin-slow-")
        cls.host = SubordinateHost(cls.deployment.domain)
        cls.deployment.start_admin()

    @classmethod
    def tearDownClass(cls):
        cls.host.close()
        cls.deployment.close()

    def api(self, *arguments, **options):
        return self.deployment.api(*arguments, **options)

    def test_slow_subordinates_do_not_stall_the_api(self):
        """Fetches of slow subordinates must not occupy every worker thread,
        so the API keeps serving other requests meanwhile."""
        slow = [self.host.add(f"slow{number}", delay=6) for number in range(6)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=6) as pool:
            futures = [pool.submit(self.api, "POST", "/subordinates",
                                   {"entityid": entity_id, "jwks": jwks}, timeout=120)
                       for entity_id, jwks in slow]
            time.sleep(1)
            started = time.monotonic()
            reply = request(self.deployment.admin_port, "GET", "/api/v1/auth/csrf", timeout=60)
            waited = time.monotonic() - started
            for future in futures:
                self.assertLess(future.result().status, 500)
        self.assertEqual(reply.status, 200)
        self.assertLess(waited, 2, "a request waited for slow subordinate fetches")


if __name__ == "__main__":
    unittest.main()
