"""Does the stale-answer check (stale.py) catch a stale cache? It runs twice against the
tracker: straight (should count 0), then through a proxy that answers each GET from a copy
kept STALE_KEPT_SECONDS (default 2) and passes writes through, a cache that is never told of
writes (should count many). Run from `make bench`'s environment:

    TRACKER_PYTHON=.venv/bin/python bench/.venv/bin/python bench/stale_selfcheck.py
"""

import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import servers
import shapes
import stale

KEPT_SECONDS = float(os.environ.get("STALE_KEPT_SECONDS", "2"))


def stale_proxy(upstream: str) -> ThreadingHTTPServer:
    kept: dict[str, tuple[float, int, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # quiet: the check reports
            pass

        def _answer(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            copy = kept.get(self.path)
            if copy is None or time.monotonic() - copy[0] > KEPT_SECONDS:
                status, body = servers.http_get(upstream + self.path)
                copy = kept[self.path] = (time.monotonic(), status, body)
            self._answer(copy[1], copy[2])

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {name: self.headers[name] for name in ("Authorization", "Content-Type") if self.headers[name]}
            request = urllib.request.Request(  # noqa: S310 - loopback only
                upstream + self.path, data=body, headers=headers, method="POST"
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback only
                    self._answer(response.status, response.read())
            except urllib.error.HTTPError as error:
                self._answer(error.code, error.read())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    servers.ensure_database()
    values = shapes.spreads()
    # Only the warm shapes are read here: their cursors alone.
    values = {shape: spread for shape, spread in values.items() if shape.endswith("_warm")}
    shapes.sign_cursors(values)
    try:
        servers.start_server("tracker", Path())
        tracker_port = servers.ports["tracker"]
        servers.wait_until_up("tracker", servers.base_url("tracker") + "/api/v1/")
        straight = stale.run_stale_check(values)
        proxy = stale_proxy(f"http://127.0.0.1:{tracker_port}")
        servers.ports["tracker"] = proxy.server_address[1]
        through_proxy = stale.run_stale_check(values)
        proxy.shutdown()
    finally:
        servers.stop_all()
    print(f"straight to the tracker: {straight.line()}")
    print(f"through a {KEPT_SECONDS:g} s cache that ignores writes: {through_proxy.line()}")
    for example in through_proxy.examples[:3]:
        print(f"#   {example}")
    caught = straight.stale == 0 and through_proxy.stale > 0
    print("the check " + ("catches a stale cache" if caught else "DOES NOT tell a stale cache from a fresh server"))
    sys.exit(0 if caught else 1)


if __name__ == "__main__":
    main()
