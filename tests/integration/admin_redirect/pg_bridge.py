"""Carry PostgreSQL connections into a network namespace that has only
loopback, through a Unix socket that both namespaces can open.

  pg_bridge.py outer SOCKET DATABASE_URL  (host namespace) accept on the Unix
      socket SOCKET and connect each connection to the URL's host and port,
      which must be a loopback address;
  pg_bridge.py inner SOCKET               (test namespace) accept on
      127.0.0.1, print "listening port=N", and connect each connection to
      SOCKET;
  pg_bridge.py url DATABASE_URL PORT      print DATABASE_URL with its host and
      port replaced by 127.0.0.1:PORT.
"""

import ipaddress
import os
import socket
import sys
import threading
import urllib.parse


def loopback_address(database_url):
    """Return (host, port) of a postgresql:// URL. Exit when the host is not
    a loopback address, because the bridge must connect nowhere else."""
    parts = urllib.parse.urlsplit(database_url)
    host = parts.hostname or ""
    if host == "localhost":
        host = "127.0.0.1"
    try:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(host)
    except ValueError:
        sys.exit(f"pg_bridge.py: the database host must be a loopback address, got '{host}'")
    return host, parts.port or 5432


def copy_stream(source, target):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            target.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, target):
            try:
                end.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def serve(listener, connect):
    """Accept connections forever. Each one gets a peer from `connect` and
    two threads that copy the bytes each way."""
    while True:
        client, _ = listener.accept()
        try:
            peer = connect()
        except OSError as error:
            print(f"pg_bridge.py: connect failed: {error}", file=sys.stderr, flush=True)
            client.close()
            continue
        threading.Thread(target=copy_stream, args=(client, peer), daemon=True).start()
        threading.Thread(target=copy_stream, args=(peer, client), daemon=True).start()


def outer(path, database_url):
    address = loopback_address(database_url)
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    serve(listener, lambda: socket.create_connection(address, timeout=30))


def inner(path):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    print(f"listening port={listener.getsockname()[1]}", flush=True)

    def connect():
        peer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        peer.connect(path)
        return peer

    serve(listener, connect)


def rewritten_url(database_url, port):
    loopback_address(database_url)
    parts = urllib.parse.urlsplit(database_url)
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = (userinfo + "@" if userinfo else "") + f"127.0.0.1:{int(port)}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def main(arguments):
    if len(arguments) == 3 and arguments[0] == "outer":
        outer(arguments[1], arguments[2])
    elif len(arguments) == 2 and arguments[0] == "inner":
        inner(arguments[1])
    elif len(arguments) == 3 and arguments[0] == "url":
        print(rewritten_url(arguments[1], arguments[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
