"""Accessibility checks shared by the public site's and the workspace's browser tests: axe-core
at WCAG 2.1 AA in Chromium, reflow at 320 px and 200 % zoom, requests to other hosts, visible
focus, and the report that the accessibility statement (/barrierefreiheit) is rendered from.

The report is committed (services/registrations/static/accessibility-report.json); each run
writes its own next to the screenshots under tmp/artefacts/ and fails when the committed one
no longer says what the run found. `UPDATE_ACCESSIBILITY_REPORT=1` rewrites the committed file
(with today's date) from the run."""
from __future__ import annotations

import json
import os
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = Path(os.environ.get("TEST_ARTEFACTS_DIR", ROOT / "tmp" / "artefacts"))
REPORT = ROOT / "services" / "registrations" / "static" / "accessibility-report.json"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@contextmanager
def chromium():
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def axe_violations(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of the page as loaded: [{id, help, targets}]."""
    from axe_playwright_python.sync_playwright import Axe
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    return [{"id": v["id"], "help": v["help"], "targets": [", ".join(n["target"]) for n in v["nodes"]][:5]}
            for v in results.response["violations"]]


def axe_version() -> str:
    from axe_playwright_python.sync_playwright import Axe
    script = Axe().axe_script
    marker = script.find("axe v")
    return "axe-core " + script[marker + 5:marker + 20].split()[0] if marker >= 0 else "axe-core"


def describe_failures(found: dict[str, list[dict]]) -> str:
    lines = []
    for name, violations in found.items():
        for v in violations:
            lines.append(f"{name}: {v['id']} ({v['help']}) at {'; '.join(v['targets'])}")
    return "\n".join(lines)


def horizontal_overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def too_wide_elements(page, limit: int = 4) -> list[str]:
    """The innermost elements reaching past the right edge: what a failure message should name."""
    return page.evaluate("""(limit) => {
        const width = document.documentElement.clientWidth, out = [];
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right > width + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > width + 1)) {
                out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
                         (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') +
                         ' (' + Math.round(box.right) + 'px)');
                if (out.length >= limit) break;
            }
        }
        return out;
    }""", limit)


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def foreign_requests(page_requests: list[str], own_hosts: set[str]) -> list[str]:
    """Requests that left for a host other than the service's own (data: and about: stay local)."""
    out = []
    for url in page_requests:
        parts = urlsplit(url)
        if parts.scheme in ("data", "about", "blob", "chrome-error"):
            continue
        if parts.netloc not in own_hosts:
            out.append(url)
    return out


def focus_is_visible(page) -> bool:
    """The focused element shows the focus outline of our style sheets (3 px, not 'none')."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        if (!el || el === document.body) return false;
        const style = getComputedStyle(el);
        return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    }""")


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until `selector` has the focus, which must be visible on the way in."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            assert focus_is_visible(page), f"focus on {selector} is not visible"
            return
    raise AssertionError(f"{selector} not reached by Tab")


def record(area: str, pages: list[dict]) -> None:
    """Write this run's findings for `area` ("public", "workspace") and compare them with the
    committed report the accessibility statement shows."""
    committed = json.loads(REPORT.read_text(encoding="utf-8")) if REPORT.exists() else {"pages": []}
    others = [p for p in committed.get("pages", []) if p.get("area") != area]
    run = {"checked_on": date.today().isoformat(), "tool": f"{axe_version()} (axe-playwright-python), Chromium",
           "standard": "WCAG 2.1 AA (BITV 2.0)", "tags": WCAG_TAGS,
           "pages": others + [{**p, "area": area} for p in pages]}
    run["result"] = "passed" if not any(p["violations"] for p in run["pages"]) else "failed"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    (ARTEFACTS / f"accessibility-report-{area}.json").write_text(json.dumps(run, ensure_ascii=False, indent=2),
                                                                encoding="utf-8")
    if os.environ.get("UPDATE_ACCESSIBILITY_REPORT") == "1":
        REPORT.write_text(json.dumps(run, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        return

    def mine(report):
        return [(p["path"], p["de"], p["en"], p["violations"]) for p in report.get("pages", []) if p.get("area") == area]
    assert mine(committed) == mine(run) and committed.get("result") == run["result"], (
        "the committed accessibility report (shown on /barrierefreiheit) does not match this run; "
        "run the tests with UPDATE_ACCESSIBILITY_REPORT=1 and commit services/registrations/static/"
        "accessibility-report.json")
