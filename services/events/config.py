"""Settings of the events service beyond the shared ones, read from the environment."""
from __future__ import annotations

import os

from shared.config import service_url


def service_defaults() -> dict:
    return {
        # sign-in mails link to the workspace
        "WORKSPACE_URL": service_url("workspace"),
        # shared with the workspace: only it may open a session for an address it verified (OIDC)
        "WORKSPACE_SERVICE_SECRET": os.environ.get("WORKSPACE_SERVICE_SECRET", ""),
        "SIGN_IN_LINK_MINUTES": float(os.environ.get("SIGN_IN_LINK_MINUTES", "15")),
        # the public link endpoint mails one address at most this many links per link lifetime
        "SIGN_IN_LINKS_PER_WINDOW": int(os.environ.get("SIGN_IN_LINKS_PER_WINDOW", "5")),
        # a member session token unused this long has ended (each use slides it)
        "MEMBER_IDLE_SECONDS": float(os.environ.get("MEMBER_IDLE_SECONDS", str(8 * 3600))),
    }
