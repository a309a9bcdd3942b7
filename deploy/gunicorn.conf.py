"""gunicorn settings for the civic-events web services (events, registrations, notifications).

    gunicorn -c deploy/gunicorn.conf.py "services.events:create_app()"

Every setting can be changed through the environment (see deploy/README.md):

    PORT                       port to listen on (all interfaces)            default 5001
    WEB_CONCURRENCY            worker processes          default 2 x usable CPUs + 1, at most 8
    GUNICORN_THREADS           threads per worker (gthread when > 1)                  default 1
    GUNICORN_TIMEOUT           seconds a silent worker may take before it is killed   default 30
    GUNICORN_GRACEFUL_TIMEOUT  seconds to finish requests after SIGTERM               default 25
    GUNICORN_KEEPALIVE         seconds to keep an idle connection (behind a proxy)    default 5
    GUNICORN_MAX_REQUESTS      recycle a worker after this many requests (0 = never)  default 5000
    GUNICORN_LOG_LEVEL         error log level                                        default info
    FORWARDED_ALLOW_IPS        proxies whose X-Forwarded-* headers are trusted  default 127.0.0.1,::1

The graceful timeout stays below Kubernetes' default terminationGracePeriodSeconds (30 s)
and docker compose's stop_grace_period set in docker-compose.yml, so in-flight requests end
before the process is killed.
"""
from __future__ import annotations

import math
import os


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"gunicorn.conf.py: {name} must be an integer, got {value!r}") from None


def usable_cpus() -> int:
    """CPUs this process may really use: affinity mask and the cgroup CPU quota of a container."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    quota = None
    try:  # cgroup v2: "max 100000" or "150000 100000"
        with open("/sys/fs/cgroup/cpu.max") as fh:
            limit, period = fh.read().split()[:2]
        if limit != "max":
            quota = int(limit) / int(period)
    except (OSError, ValueError):
        try:  # cgroup v1
            with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as fh:
                limit = int(fh.read())
            with open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as fh:
                period = int(fh.read())
            if limit > 0 and period > 0:
                quota = limit / period
        except (OSError, ValueError):
            pass
    if quota:
        cpus = min(cpus, max(1, math.ceil(quota)))
    return max(1, cpus)


def default_workers() -> int:
    # the classic 2 x CPUs + 1 for sync workers, capped: each worker holds a DB pool
    return min(2 * usable_cpus() + 1, 8)


# --- socket
bind = [f"0.0.0.0:{_env_int('PORT', 5001)}"]
backlog = 2048

# --- processes
workers = _env_int("WEB_CONCURRENCY", default_workers())
threads = _env_int("GUNICORN_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
# the app (SQLAlchemy engine, Redis and Celery connections) is built in each worker,
# never shared across a fork
preload_app = False
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 5000)
# Workers share the load evenly, so with a small jitter they all reach the limit within a few
# requests of each other and restart together: the service stalls for a worker's boot time
# (seconds under load; seen as a 5 s p99 in the benchmark). Half the limit spreads them out.
max_requests_jitter = max(0, max_requests // 2)
# the heartbeat file lives in memory: /tmp may be slow, and the root filesystem read-only
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
# no runtime control socket (gunicorn >= 25.1): processes are managed by compose/Kubernetes
control_socket_disable = True

# --- timeouts
timeout = _env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 25)
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)

# --- proxies: trust X-Forwarded-For/-Proto only from these addresses ("*" behind an ingress
# that is the only way into the pod network)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips

# --- limits against oversized requests
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# --- logging: everything on stdout/stderr, one JSON object per access line
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '{"ts": "%(t)s", "type": "access", "remote_addr": "%(h)s", "forwarded_for": "%({x-forwarded-for}i)s", '
    '"method": "%(m)s", "path": "%(U)s", "query": "%(q)s", "protocol": "%(H)s", "status": %(s)s, '
    '"bytes": "%(B)s", "duration_ms": %(M)s, "request_id": "%({x-request-id}o)s", '
    '"referer": "%(f)s", "user_agent": "%(a)s"}'
)
# health probes every few seconds would drown the access log: successful ones are not logged
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

from gunicorn.glogging import Logger as _GunicornLogger  # noqa: E402


class QuietProbeLogger(_GunicornLogger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in _QUIET_PATHS and str(getattr(resp, "status", "500")).startswith(("2", "3")):
            return
        super().access(resp, req, environ, request_time)


logger_class = QuietProbeLogger


# ---- Prometheus across worker processes --------------------------------------------------
# Each gunicorn worker counts on its own; prometheus_client's multiprocess mode writes the
# counters to files in one directory that every scrape of /metrics adds up. The directory
# must be empty when the server starts; raw_env puts it into the environment when the
# arbiter starts, before any worker imports the app (not when this file is merely read).
METRICS_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or f"/tmp/civic-metrics-{_env_int('PORT', 5001)}"
raw_env = [f"PROMETHEUS_MULTIPROC_DIR={METRICS_DIR}"]


def on_starting(server):
    import shutil
    shutil.rmtree(METRICS_DIR, ignore_errors=True)
    os.makedirs(METRICS_DIR, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)
