"""One blueprint per area of the workspace (URL map at a glance):

GET, POST /sign-in · /sign-in/<token> · POST /sign-out    auth.py
POST /sign-in/oidc · GET /sign-in/oidc/callback     oidc.py (single sign-on, if configured)
GET /                                          dashboard.py
/events/new · /events/<id> (editor, publish, cancel, duplicate, history)  events.py
GET, POST /import                              imports.py
/events/<id>/registrations                     registrations.py
/events/<id>/messages                          messages.py
/members · /tokens (owners)                    members.py
GET, POST /embedding                           embedding.py (snippet to copy, allowed websites)
"""
from __future__ import annotations

from . import auth, dashboard, embedding, events, imports, members, messages, oidc, registrations

BLUEPRINTS = (auth.bp, oidc.bp, dashboard.bp, events.bp, imports.bp, registrations.bp, messages.bp, members.bp,
              embedding.bp)
