"""Container health check without curl: exit 0 when GET http://127.0.0.1:$PORT<path> answers 2xx.

    python /app/deploy/healthcheck.py            # /healthz (liveness; the image's HEALTHCHECK)
    python /app/deploy/healthcheck.py /readyz    # readiness: database and Redis reachable
"""
from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    path = argv[1] if len(argv) > 1 else "/healthz"
    port = os.environ.get("PORT", "5001")
    url = f"http://127.0.0.1:{port}{path}"
    try:
        with urllib.request.urlopen(url, timeout=4) as resp:  # noqa: S310 - fixed loopback URL
            ok = 200 <= resp.status < 300
    except (urllib.error.URLError, OSError) as exc:
        print(f"unhealthy: {url}: {exc}", file=sys.stderr)
        return 1
    if not ok:
        print(f"unhealthy: {url}: HTTP {resp.status}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
