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


# ---- rules found on collected announcements (tests/import_cases/collected) -------------------
def test_question_mark_and_shouted_labels():
    assert rules.label_of("WANN? 2. April 2019") == ("when", "2. April 2019")
    assert rules.label_of("EINTRITT frei") == ("price", "frei")


def test_piped_fields_are_one_line_each():
    assert rules.split_piped("EINTRITT frei | ANMELDUNG Bis zum 1. April 2019") == \
        ["EINTRITT frei", "ANMELDUNG Bis zum 1. April 2019"]
    assert rules.split_piped("WO? Allianz Forum | Pariser Platz 6 | 10117 Berlin") == \
        ["WO? Allianz Forum, Pariser Platz 6, 10117 Berlin"]


@pytest.mark.parametrize("sentence, venue, street", [
    ("Sie findet am 21. November um 19 Uhr im Fritz-Treutel-Haus statt.", "Fritz-Treutel-Haus", None),
    ("am Freitag, 20. September, ab 18 Uhr im Hans-Beutz-Haus in der Virchowstraße 29", "Hans-Beutz-Haus",
     "Virchowstraße 29"),
    ("um 19 Uhr im Stuttgarter Hospitalhof, Büchsenstr. 33.", "Stuttgarter Hospitalhof", "Büchsenstr. 33"),
    ("Im Haus der Eigenarbeit (Wörthstraße 42) tüfteln", "Haus der Eigenarbeit", "Wörthstraße 42"),
    ("am Donnerstag, 8. Mai, in einen Ort der Erinnerung", None, None)])
def test_venue_named_in_the_sentence_that_says_when(sentence, venue, street):
    assert rules.venue_phrase(sentence) == venue
    assert rules.street_in(sentence) == street


def test_dateline_names_the_city():
    assert rules.dateline_city("Stuttgart. Kriege und Bürgerkriege …") == "Stuttgart"
    assert rules.dateline_city("Kassel – Die Stadtbibliothek lädt ein.") == "Kassel"
    assert rules.dateline_city("Der 21. Hamburger Ratschlag findet online statt.") is None


def test_a_rule_line_ends_the_announcement():
    assert rules.ends_announcement("***")


def test_programme_heading_is_no_title():
    assert not rules.looks_like_heading("Das Programm des Ratschlags 2020")


@pytest.mark.parametrize("text, labelled, cents", [("12,- / 6,- / 1,-", True, 1200),
                                                   ("Der Eintritt beträgt vier Euro.", False, 400)])
def test_bare_and_spelled_prices(text, labelled, cents):
    assert rules.price_of(text, labelled)[0] == cents


@pytest.mark.parametrize("line, phone", [("KONTAKT Nora Malles, T (030) 81 46 65 00", "(030) 81 46 65 00"),
                                         ("oder telefonisch unter 0203/283-4218 erhältlich", "0203/283-4218"),
                                         ("Ticket-Hotline: T 03643 - 745 745", "03643 - 745 745")])
def test_phone_cues(line, phone):
    assert contacts.phones_in(line) == [phone]


def test_registration_if_possible_and_no_preregistration():
    assert rules.registration_mode("Teilnehmer sollten sich möglichst vorher per Mail anmelden.") == "optional"
    assert rules.registration_mode("Es ist keine Voranmeldung nötig.") == "none"


def test_same_day_named_again_with_its_time():
    found = parse_text("Debatte im Hospitalhof am 23. Februar\n\nDie Frage steht über einer Debatte am Donnerstag, "
                       "23. Februar, um 19 Uhr im Stuttgarter Hospitalhof, Büchsenstr. 33.\n", date(2017, 2, 10))
    assert found.value("starts_at") == datetime(2017, 2, 23, 19)


def test_one_time_for_each_date():
    lines = prepare("Die Veranstaltungen beginnen jeweils um 20 Uhr, Einlass ist ab 19.15 Uhr.", KIEL)
    assert schedule.each_time(lines)[0].start == time(20)


def test_a_list_of_dated_lines_gives_sessions():
    found = parse_text("Lesereihe\nDienstag, 03. September Anne Weber: Bannmeilen\nDonnerstag, 19. September "
                       "Kathinka Engel: Words unspoken\nMontag, 23. September Anke Feuchtenberger: Genossin Kuckuck\n"
                       "Beginn: 19:30\n", date(2024, 8, 20))
    assert [s["starts_at"] for s in found.value("sessions")] == [
        datetime(2024, 9, 3, 19, 30), datetime(2024, 9, 19, 19, 30), datetime(2024, 9, 23, 19, 30)]
    assert found.value("sessions")[0]["title"] == "Anne Weber: Bannmeilen"


def test_a_year_ahead_programme_keeps_its_last_date_in_that_year():
    assert infer_year(12, 1, date(2026, 2, 12)) == 2026


def test_two_time_ranges_on_the_line_under_the_date():
    found = parse_text("Tag der offenen Tür\nDienstag, 11. November 2014\n8.00 bis 12.00 Uhr und 13.00 bis 16.00 Uhr\n"
                       "Stadtgemeindeamt, Dachgeschoß\n", date(2014, 11, 1))
    assert (found.value("starts_at"), found.value("ends_at")) == (datetime(2014, 11, 11, 8), datetime(2014, 11, 11, 16))
    assert found.value("venue.name") == "Stadtgemeindeamt, Dachgeschoß"


def test_a_lone_time_range_is_the_time_of_a_date_without_one():
    lines = prepare("In der Zeit von 10 - 16 Uhr können sich Interessierte über das Archiv informieren.\n"
                    "Die Bücherei ist montags von 15 bis 18 Uhr geöffnet.\n", date(2018, 2, 25))
    assert schedule.lone_time_range(lines)[:2] == (time(10), time(16))


def test_several_dates_each_with_its_time_are_sessions():
    lines = prepare("Rundgänge am Donnerstag, 9. September, um 19 Uhr und am Samstag, 25. September, um 16 Uhr.",
                    date(2021, 9, 1))
    assert [at for at, _ in schedule.dates_with_their_times(lines)] == [datetime(2021, 9, 9, 19),
                                                                        datetime(2021, 9, 25, 16)]


def test_a_date_after_bis_is_no_start():
    found = parse_text("Die Ausstellung ist bis zum 10. März zu sehen. Die Beratung beginnt am 2. März im Stadthaus.",
                       date(2010, 2, 20))
    assert found.value("starts_at") == date(2010, 3, 2)


def test_immer_um_is_the_time_of_each_date():
    lines = prepare("Online-Seminare am Mittwochabend jeder Juni-Woche immer um 19.30 Uhr.", KIEL)
    assert schedule.each_time(lines)[0].start == time(19, 30)


def test_of_two_places_the_one_with_its_street():
    assert rules.venue_phrase("Nach der Auftaktveranstaltung in der Aula am Berliner Ring steht am Mittwoch ab 19 Uhr "
                              "ein Workshop im Ratssaal (Rathausplatz 2) an.") == "Ratssaal"


def test_a_phone_number_with_an_en_dash():
    assert contacts.phones_in("telefonisch unter 0385 – 591 8110 buchen") == ["0385 - 591 8110"]


def test_a_yearless_deadline_takes_the_year_of_the_texts_own_dates_when_no_as_of_is_given():
    """The workspace imports without as_of: "10. September" is the 2021 of "Beginn: 13.09.2021",
    not the September after the day of the import."""
    from pathlib import Path

    from services.events.importer import import_announcement
    text = (Path(__file__).resolve().parents[1] / "import_cases" / "seeds" / "000.txt").read_text()
    draft = import_announcement(text=text)
    closes = (draft.input.get("registration") or {}).get("closes_at")
    assert closes is not None, draft.missing
    assert str(closes).startswith("2021-09-10T09:00"), closes
    assert draft.report["registration.closes_at"]["snippet"].startswith("Anmeldungen")
