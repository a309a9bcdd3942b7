"""A whole unit of work run again when the database chose it as a deadlock victim."""
from __future__ import annotations

import logging
import time

from sqlalchemy.exc import DBAPIError

from ..models import db

log = logging.getLogger(__name__)


def _retryable(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in ("40P01", "40001"):  # deadlock detected, serialization failure
        return True
    return "database is locked" in str(exc.orig)


def retrying(fn, attempts: int = 4):
    """Run a whole unit of work again when the database chose it as a deadlock victim."""
    for attempt in range(attempts):
        try:
            return fn()
        except DBAPIError as exc:
            db.session.rollback()
            if attempt == attempts - 1 or not _retryable(exc):
                raise
            log.warning("retrying after a lock conflict: %s", exc.orig)
            time.sleep(0.05 * (attempt + 1))
