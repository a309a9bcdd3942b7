"""CLI: import-announcement FILE [--as-of] [--dry-run] [--organizer]."""
import json
from pathlib import Path

from sqlalchemy import func, select

from services.events.models import Event, db
from tests.factories import auth

SEEDS = Path(__file__).resolve().parent.parent / "import_cases" / "seeds"


def event_count(app) -> int:
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(Event)).scalar_one()
        db.session.remove()
        return count


def test_dry_run_prints_the_draft_as_json_and_saves_nothing(app, runner):
    result = runner.invoke(args=["import-announcement", str(SEEDS / "000.txt"), "--as-of", "2021-08-20", "--dry-run"])
    assert result.exit_code == 0, result.output
    draft = json.loads(result.output)
    assert draft["status"] == "draft" and draft["id"] is None
    assert draft["starts_at"] == "2021-09-13T10:00:00+02:00"
    assert draft["contacts"][0]["email"] == "anne.czichowski@kiel.de"
    assert draft["import"]["registration.closes_at"]["value"] == "2021-09-10T09:00:00+02:00"
    assert event_count(app) == 0


def test_saving_needs_an_organizer_by_name(app, runner, organizer_token, client):
    result = runner.invoke(args=["import-announcement", str(SEEDS / "002.txt"), "--as-of", "2021-10-01"])
    assert result.exit_code != 0 and "--organizer" in result.output
    result = runner.invoke(args=["import-announcement", str(SEEDS / "002.txt"), "--organizer", "Niemand"])
    assert result.exit_code != 0 and "no organizer named" in result.output
    result = runner.invoke(args=["import-announcement", str(SEEDS / "002.txt"), "--as-of", "2021-10-01",
                                 "--organizer", "Landeshauptstadt Kiel – Referat Kreative Stadt"])
    assert result.exit_code == 0, result.output
    saved = json.loads(result.output)
    assert event_count(app) == 1
    stored = client.get(f"/api/v1/events/{saved['id']}", headers=auth(organizer_token)).json
    assert stored["status"] == "draft" and stored["price"]["amount_cents"] == 4000
    assert stored["import"] == saved["import"] and stored["missing"] == saved["missing"]


def test_a_binary_file_is_refused_with_a_message(runner, tmp_path):
    pdf = tmp_path / "flyer.txt"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 4)
    result = runner.invoke(args=["import-announcement", str(pdf), "--dry-run"])
    assert result.exit_code != 0 and "binary" in result.output
