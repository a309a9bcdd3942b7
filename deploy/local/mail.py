"""Where the embedded run's mail goes: to its own SMTP sink, or to the server the operator named.

The sink starts only when mail goes to it — no SMTP_HOST given, or SMTP_HOST is this machine
and its port is free. A city's own server given in SMTP_HOST/SMTP_PORT (or a local port
someone already serves, e.g. a local relay or MailHog) gets the mail instead; starting the
sink on that port would fail and take the whole stack down with it.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass

DEFAULT_SINK_PORT = 1025


@dataclass(frozen=True)
class MailPlan:
    start_sink: bool
    host: str          # what the services connect to (SMTP_HOST)
    port: int          # SMTP_PORT
    bind: str | None   # the address the sink listens on, when it starts
    note: str          # one line for the start banner

    def env(self) -> dict[str, str]:
        """The settings the services get; DEV_SMTP_SINK tells the dev mailbox where mail went."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port), "DEV_SMTP_SINK": "1" if self.start_sink else "0"}


def _addresses(host: str) -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)}
    except (socket.gaierror, UnicodeError):
        return set()


def _can_bind(address: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((address, port))
        except OSError:
            return False
    return True


def local_address(host: str) -> str | None:
    """An address of this machine that `host` names (one we can bind), else None."""
    for address in sorted(_addresses(host), key=lambda a: ":" in a):  # IPv4 first
        if _can_bind(address, 0):
            return address
    return None


def port_free(address: str, port: int) -> bool:
    return _can_bind(address, port)


def free_port(address: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return sock.getsockname()[1]


def plan_mail(environ: dict) -> MailPlan:
    host = (environ.get("SMTP_HOST") or "").strip()
    port = int(environ.get("SMTP_PORT") or DEFAULT_SINK_PORT)
    if not host:
        # our own sink; its port is only a default, so a taken one moves to a free one
        bind = "127.0.0.1"
        if not port_free(bind, port):
            taken, port = port, free_port(bind)
            return MailPlan(True, bind, port, bind, f"SMTP sink on {bind}:{port} (port {taken} is taken)")
        return MailPlan(True, bind, port, bind, f"SMTP sink on {bind}:{port}")
    bind = local_address(host)
    if bind is not None and port_free(bind, port):
        return MailPlan(True, host, port, bind, f"SMTP sink on {host}:{port}")
    return MailPlan(False, host, port, None, f"mail goes to the SMTP server {host}:{port} (no sink started)")
