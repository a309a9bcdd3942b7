"""Example request bodies for the OpenAPI document (/docs shows them ready to send)."""
from __future__ import annotations

SIGN_UP = {"name": "Erika Mustermann", "email": "erika.mustermann@example.org", "consent": True, "locale": "de",
           "session_ids": [], "companions": 0, "answers": {}}

# the token of the link in the mail (https://…/confirm/<token> or …/cancel/<token>)
LINK_TOKEN = {"token": "eyJyIjoiM2Y0YTliMmMifQ.Zs1qKw.3kT9b2c4d5e6f7g8h9i0"}
