"""Run inside a network namespace with only loopback (netns_test.sh): with
allow_http off, a `sub` whose name resolves to a loopback address gets a clean
invalid_trust_chain naming the refusal, and nothing connects to it.
"""

import json
import socket
import sys
import threading

from anchor import Anchor

REFUSED = "https://refused.inmor-netns"


def main():
    # Something listens where the refused name points, to see any connection.
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 443))
    listener.listen(16)
    connections = []

    def accept():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            connections.append(connection)

    threading.Thread(target=accept, daemon=True).start()

    anchor = Anchor(domain="https://ta.test", allow_http=False,
                    resolve_config="live_discovery = true")
    anchor.start()
    failures = 0
    try:
        anchor.publish_configuration()
        anchor.wait_for_configuration()
        status, _, body = anchor.resolve(REFUSED)
        answer = json.loads(body)
        description = answer.get("error_description", "")
        checks = [
            (status == 400, f"status {status}, expected 400"),
            (answer.get("error") == "invalid_trust_chain", f"error {answer.get('error')}"),
            ("refused.inmor-netns" in description, "description names the url: " + description),
            ("refus" in description.lower() or "not allowed" in description.lower()
             or "loopback" in description.lower(), "description names the refusal: " +
             description),
            (not connections, f"{len(connections)} connection(s) reached 127.0.0.1:443"),
        ]
        for passed, message in checks:
            print(("ok   " if passed else "FAIL ") + message)
            failures += 0 if passed else 1
    finally:
        anchor.stop()
        anchor.remove()
        listener.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
