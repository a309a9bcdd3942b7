"""Our rules for reading announcements: what a line of an announcement means (lines.py:
labels, noise, headings; place.py: addresses, venues, online; terms.py: price, registration,
format, series, language).

Everything a library does better lives elsewhere (month names: babel via dates.py; phone
numbers: phonenumbers; addresses in mail: email-validator). What is here is our own reading of
how German and English public bodies write announcements; each rule says so in its docstring,
and tests/events/test_import_rules.py has a test for each seed phrase a rule was made for.
"""
from __future__ import annotations

from .lines import *  # noqa: F401,F403
from .lines import _LABEL_OF  # noqa: F401
from .place import *  # noqa: F401,F403
from .terms import *  # noqa: F401,F403

