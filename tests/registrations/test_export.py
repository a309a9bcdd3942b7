import csv
import io

from tests.factories import auth, sign_up
from tests.registrations.conftest import kiel_sessions, make_event


def test_csv_tells_sessions_of_the_same_title_apart_by_date_and_time(client, app, events_live, token):
    event = make_event(events_live, app, token, sessions=kiel_sessions(), registration={"capacity": None},
                       ends_at="2030-09-14T16:00:00")
    mornings = [s["id"] for s in event["sessions"] if s["title"] == "Ideenschmiede"]
    assert sign_up(client, event["id"], session_ids=mornings).status_code == 202
    exported = client.get(f"/api/v1/events/{event['id']}/registrations",
                          headers={**auth(token), "Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig")), delimiter=";"))
    sessions = rows[1][rows[0].index("sessions")]
    # the event's own zone (Berlin), not UTC
    assert sessions == "Ideenschmiede (13.09.2030 10:00–12:30), Ideenschmiede (14.09.2030 10:00–12:30)"
