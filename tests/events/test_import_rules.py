"""The import's own rules (services/events/importer/rules.py and the rules of dates, contacts,
schedule), one test per phrase of the seed announcements a rule was made for."""
from datetime import date, datetime, time

import pytest

from services.events.importer import contacts, rules, schedule
from services.events.importer.dates import infer_year, scan
from services.events.importer.text import parse_text, prepare

KIEL = date(2021, 8, 20)


def test_label_beginn_with_date_and_time():
    assert rules.label_of("Beginn: 13.09.2021 10:00") == ("start", "13.09.2021 10:00")
    s = scan("13.09.2021 10:00", KIEL)
    assert (s.dates[0].start, s.times[0].start) == (date(2021, 9, 13), time(10))


def test_label_without_space_after_the_colon():
    assert rules.label_of("Preis:0") == ("price", "0")
    assert rules.label_of("Anmeldung:erforderlich") == ("registration", "erforderlich")
    assert rules.label_of("Ort:Stadtteilbücherei Neumühlen-Dietrichsdorf") == \
        ("place", "Stadtteilbücherei Neumühlen-Dietrichsdorf")


def test_a_numbered_heading_is_no_label():
    assert rules.label_of("2. Werkstatt: Konzeptentwicklung „Kommunale Labore sozialer Innovation“") is None


def test_day_range_in_one_month():
    [hit] = scan("Wann: 13. – 17. September 2021", KIEL).dates
    assert (hit.start, hit.end) == (date(2021, 9, 13), date(2021, 9, 17))


def test_english_month_name_in_a_german_text():
    [hit] = scan("Wann: 29. October 2021", KIEL).dates
    assert hit.start == date(2021, 10, 29)


def test_ab_time():
    [hit] = scan("Uhrzeit: ab 18:00 Uhr", KIEL).times
    assert (hit.start, hit.end) == (time(18), None)


def test_weekday_date_and_time_range():
    s = scan("Samstag, 14. Mai 2022 von 15:00 bis 16:30 Uhr", KIEL)
    assert s.dates[0].start == date(2022, 5, 14)
    assert (s.times[0].start, s.times[0].end) == (time(15), time(16, 30))


def test_dated_heading_names_a_meeting():
    lines = prepare("8. September 2025: Kreisverwaltungen und bürgerschaftliches Kulturengagement\n"
                    "6. März 2025: Künstliche Intelligenz in kommunalen Kulturverwaltungen\n", date(2025, 8, 15))
    meetings = schedule.dated_headings(lines, date(2025, 8, 15))
    assert [(d, t) for d, t, _ in meetings] == [
        (date(2025, 9, 8), "Kreisverwaltungen und bürgerschaftliches Kulturengagement"),
        (date(2025, 3, 6), "Künstliche Intelligenz in kommunalen Kulturverwaltungen")]
    assert schedule.choose_meeting(meetings, date(2025, 8, 15))[0] == date(2025, 9, 8)


def test_date_without_year_is_read_relative_to_the_publication_date():
    assert infer_year(9, 10, KIEL) == 2021
    assert infer_year(1, 15, date(2021, 11, 30)) == 2022
    assert infer_year(5, 2, date(2021, 6, 20)) == 2021  # a deadline just past


def test_registration_deadline_with_time():
    line = "Anmeldungen hierfür bitte bis zum 10. September um 9 Uhr an kreativ@kiel.de"
    assert rules.is_deadline_line(line)
    assert schedule.deadline(prepare(line, KIEL), KIEL)[0] == datetime(2021, 9, 10, 9)
    assert rules.registration_mode(line) == "required"


def test_registration_required_label():
    assert rules.registration_mode("Anmeldung:erforderlich") == "required"


def test_registration_not_needed():
    assert rules.registration_mode("Eintritt frei, ohne Anmeldung.") == "none"
    assert rules.registration_mode("Eine Anmeldung ist nicht erforderlich.") == "none"


def test_a_link_to_registration_says_nothing_about_it():
    assert rules.registration_mode("Weitere Informationen zu Programm und Anmeldung finden Sie hier.") is None


@pytest.mark.parametrize("text, labelled, cents", [
    ("0", True, 0), ("40,00 €", True, 4000), ("Die Teilnahme ist kostenfrei.", False, 0),
    ("Eintritt frei", False, 0), ("Eintritt: 5 Euro, ermäßigt 3 Euro", False, 500)])
def test_price(text, labelled, cents):
    assert rules.price_of(text, labelled)[0] == cents


def test_an_amount_without_a_word_about_paying_is_no_price():
    assert rules.price_of("5000 Euro hat die Schule in neue Rechner investiert.", False) is None


def test_online_place_and_online_seminar():
    assert rules.ONLINE_PLACE.match("Online")
    assert rules.format_from_words("Diese Fragen stehen im Mittelpunkt des Online-Seminars.")[0] == "online"
    assert rules.format_from_words("Online-Anmeldung bis 3. März") is None


def test_address_with_a_range_of_house_numbers():
    assert rules.split_address("Brüderweg 22 – 24, 44135 Dortmund") | {"start": 0} == \
        {"street": "Brüderweg 22 – 24", "postal_code": "44135", "city": "Dortmund", "start": 0}


def test_address_after_a_venue_with_a_dash():
    parts = rules.split_address("vor der Stadtteilbücherei Dietrichsdorf, Langer Rehm 29 – 24149 Kiel")
    assert (parts["street"], parts["postal_code"], parts["city"]) == ("Langer Rehm 29", "24149", "Kiel")
    assert rules.clean_venue("vor der Stadtteilbücherei Dietrichsdorf") == "Stadtteilbücherei Dietrichsdorf"


def test_street_line_and_postal_line_after_a_place_label():
    found = parse_text("Ort:Stadtteilbücherei Neumühlen-Dietrichsdorf\nLanger Rehm 29\n24149 Kiel\n", KIEL)
    assert (found.value("venue.name"), found.value("venue.street"), found.value("venue.postal_code"),
            found.value("venue.city")) == ("Stadtteilbücherei Neumühlen-Dietrichsdorf", "Langer Rehm 29", "24149", "Kiel")


def test_contact_block_with_organisation_and_person_on_one_line():
    person = contacts.contact_from_block(["LH Kiel, Referat Kreative Stadt, Anne Czichowski",
                                          "Email: anne.czichowski@kiel.de", "Telefon: 0431/901-3086"])
    assert person == {"name": "Anne Czichowski", "role": "LH Kiel, Referat Kreative Stadt",
                      "email": "anne.czichowski@kiel.de", "phone": "0431/901-3086"}


def test_contact_with_a_bullet_and_a_phone_with_spaces():
    assert contacts.contact_from_block(["- Mona Wallraff"])["name"] == "Mona Wallraff"
    assert contacts.phones_in("Tel: 0251 591 5081") == ["0251 591 5081"]


def test_obfuscated_mail_address():
    assert contacts.emails_in("Anmeldung an info(at)example.de") == ["info@example.de"]
    assert contacts.emails_in("info [at] stadt [dot] de") == ["info@stadt.de"]


def test_agenda_time_title_and_speaker_lines():
    lines = prepare("11:00 Uhr\nBegrüßung\nRalf Zimmer-Hegmann, ILS – Institut für Landes- und "
                    "Stadtentwicklungsforschung\n11:30 Uhr\nInput-Vorträge\n– Erfahrungen aus Dortmund, "
                    "Dr. Arne Elias, Wirtschaftsförderung Dortmund\n", date(2018, 2, 1))
    items = schedule.agenda(lines)
    assert [(i["start"], i["title"]) for i in items] == [(time(11), "Begrüßung"), (time(11, 30), "Input-Vorträge")]
    assert items[1]["speakers"] == ["Erfahrungen aus Dortmund, Dr. Arne Elias, Wirtschaftsförderung Dortmund"]


def test_repeated_session_on_each_day():
    lines = prepare("Vormittags von 10-12:30 Uhr - “Ideenschmiede-Tiny Rathaus“:\n", KIEL)
    sessions = schedule.repeated_sessions(lines, date(2021, 9, 13), date(2021, 9, 17))
    assert [s["starts_at"] for s in sessions][:2] == [datetime(2021, 9, 13, 10), datetime(2021, 9, 14, 10)]
    assert len(sessions) == 5 and sessions[0]["ends_at"] == datetime(2021, 9, 13, 12, 30)
    assert sessions[0]["title"] == "Ideenschmiede-Tiny Rathaus"


def test_series_with_planned_parts():
    series = rules.series_of("Die Werkstatt ist Teil einer vierteiligen Werkstattreihe zum Thema Labore sozialer "
                             "Innovation.")
    assert (series["title"], series["planned_parts"]) == ("Werkstattreihe zum Thema Labore sozialer Innovation", 4)
    assert rules.position_in_series("2. Werkstatt: Konzeptentwicklung") == 2


def test_modules_list():
    found = parse_text("Module im Überblick\n\n  1. Freiheit im Denken\n  2. Ideenschmiede\n\nAktueller Stand\n",
                       date(2024, 5, 6))
    assert found.value("modules") == ["Freiheit im Denken", "Ideenschmiede"]


@pytest.mark.parametrize("line", ["zurück", "Direkt zum Inhalt", "Kiel Logo", "Flyer (PDF-Datei, 1,33 MB)",
                                  "Erlaubte HTML-Tags: <a href hreflang> <em>", "Alle Cookies akzeptieren"])
def test_web_page_noise(line):
    assert rules.is_noise(line)


@pytest.mark.parametrize("line", ["Schreibe einen Kommentar", "Mehr Beiträge aus Events", "Neuen Kommentar schreiben"])
def test_comment_forms_and_more_posts_end_the_announcement(line):
    assert rules.ends_announcement(line)


def test_publication_date_is_not_the_event_date():
    found = parse_text("Veröffentlicht am: 22. Februar 2018\nWerkstatt\n1. März 2018\n", date(2018, 2, 1))
    assert found.value("starts_at") == date(2018, 3, 1)


def test_title_is_the_first_heading_not_a_label_or_address():
    found = parse_text("Direkt zum Inhalt\n\nKo-kreative Projektentwicklung zum Gemeinwohl\n\nVeröffentlicht am "
                       "06. Mai 2024\n", date(2024, 5, 6))
    assert found.value("title") == "Ko-kreative Projektentwicklung zum Gemeinwohl"


def test_language():
    assert rules.language_of("Die Werkstatt ist Teil einer Reihe und findet im Rathaus statt.") == "de"
    assert rules.language_of("The workshop is part of a series and takes place at the town hall.") == "en"
