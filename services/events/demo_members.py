"""The made-up owner of the seeded Kiel organizer, so that `make run` can be signed in to.

An address under example.org (reserved for examples, RFC 2606): never a real person's."""
from __future__ import annotations

DEMO_ORGANIZER = "Landeshauptstadt Kiel – Referat Kreative Stadt"
DEMO_OWNER_EMAIL = "demo-owner.kiel@example.org"
DEMO_OWNER_NAME = "Demo-Eigentümerin Kiel"


def ensure_demo_owner():
    """The demo owner of the Kiel organizer (a members.Member, added once; None if that
    organizer is not seeded). Imports inside: run.py reads the constants above, nothing else."""
    from . import members
    from .models import Organizer, db
    organizer = db.session.query(Organizer).filter_by(name=DEMO_ORGANIZER).one_or_none()
    if organizer is None:
        return None
    for member in members.active_members(organizer.id):
        if member.email == DEMO_OWNER_EMAIL:
            return member
    member = members.add(organizer.id, DEMO_OWNER_EMAIL, name=DEMO_OWNER_NAME, role="owner")
    db.session.commit()
    return member
