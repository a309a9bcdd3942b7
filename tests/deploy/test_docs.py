"""A clone holds everything its README points to: no path leads outside the repository."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

from services.events.seeds import SEEDS

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "deploy" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def tracked_files() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    return [ROOT / line for line in out.splitlines() if line and (ROOT / line).is_file()]


def test_nothing_in_the_repository_points_outside_it():
    outside = "../" + "shared"  # spelled apart, so this file does not find itself
    found = []
    for path in tracked_files():
        if path.parts[len(ROOT.parts)] == ".ci" or path.suffix in (".png", ".ico", ".woff2"):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        found += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(text.splitlines(), 1) if outside in line]
    assert not found, found


def test_every_relative_link_of_the_readme_and_docs_resolves():
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", doc.read_text()):
            if re.match(r"^[a-z]+:", target):
                continue
            assert (doc.parent / target).exists(), f"{doc.relative_to(ROOT)} links to a missing {target}"


def test_the_docs_hold_architecture_api_ports_and_the_demo_datas_origin():
    readme = (ROOT / "README.md").read_text()
    for doc in ("docs/ARCHITECTURE.md", "docs/API.md", "docs/demo-data.md"):
        assert f"({doc})" in readme, doc
    api = (ROOT / "docs" / "API.md").read_text()
    for name in ("POST /api/v1/events/{event_id}/registrations", "DELETE /api/v1/people/{email}",
                 "GET /api/v1/messages", "GET /healthz"):
        assert name in api, name
    for variable in ("EVENTS_PORT", "REGISTRATIONS_PORT", "NOTIFICATIONS_PORT", "EMBEDDED_REDIS_PORT", "SMTP_HOST"):
        assert variable in readme, variable  # how to move the embedded run's ports and mail
    origin = (ROOT / "docs" / "demo-data.md").read_text()
    for build in SEEDS:
        assert build()["organizer"].split(" – ")[0].split(" (")[0] in origin, build.__name__
    texts = sorted((ROOT / "docs" / "demo-data").glob("*.txt"))
    assert len(texts) == len(SEEDS) and all(t.stat().st_size > 1000 for t in texts)
