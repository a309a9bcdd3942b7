"""The demo data: five public announcements of real events (docs/demo-data.md names their
origin), modeled as data this project owns.

Times are wall-clock times in Europe/Berlin as announced. Where an announcement leaves
something open, the choice made here is named in a comment (capacities, end times, the
dates of the Leipzig modules and the times of the Münster meetings).
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from . import domain
from .copies import shifted
from .demo_dates import weeks_for
from .models import Event, Organizer, Series, db
from .schemas import EventCreateSchema

KIEL_TEXT = (
    "Das Tiny Rathaus geht zum zweiten Mal auf Tour und öffnet im Kieler Stadtteil Dietrichsdorf für eine "
    "Woche seine Tür. Diesmal wird das aus Dänemark ausgeliehene mobile Büro direkt vor der Stadtteilbücherei "
    "in Dietrichsdorf platziert. Kolleg*innen, Bürger*innen und Interessierte sind wieder herzlich eingeladen, "
    "das Konzept Tiny Rathaus kennenzulernen und mit einzelnen Abteilungen und Projekten aus der Kieler "
    "Stadtverwaltung ins Gespräch zu kommen. Die zweite Tiny-Rathaus-Testwoche wird vom Referat Kreative Stadt "
    "in Kooperation mit dem Anscharcampus und der Stabsstelle Digitalisierung sowie der Arbeitsgruppe "
    "Bürgerbeteiligung organisiert.\n\n"
    "Vormittags von 10 bis 12:30 Uhr – „Ideenschmiede Tiny Rathaus“: Gemeinsam mit der Ideengeberin Sophie "
    "Mirpourian vom Anscharcampus und dem Referat Kreative Stadt können in einem Brainstorming Ideen entwickelt "
    "werden, WIE, WO und WOFÜR Sie das Tiny Rathaus in Ihrem Verwaltungsalltag nutzen können. Anmeldung "
    "erforderlich.\n\n"
    "Nachmittags von 13 bis 16 Uhr – „Tiny Rathaus Open Hour“: Ziel der Testwochen ist es, das Konzept eines "
    "mobilen Rathauses bekannt zu machen und gemeinsam mit der Verwaltung, den Bürger*innen und Stadtakteuren "
    "Ideen zu sammeln, was man in dem mobilen Büro in und für Kiel alles machen könnte. Ohne Anmeldung.\n\n"
    "P.S.: Diesmal wird es geräumiger – https://tinyoffice.dk/da/udlejningsvogne/tiny-office-oplagt/"
)

DORTMUND_TEXT = (
    "Sie möchten wissen, wie auch Sie Kommunale Labore sozialer Innovation in Ihrer Kommune entwickeln können? "
    "Dann werden Sie Teil unserer Werkstattreihe! Aufbauend auf der ersten Werkstatt wird die konkrete "
    "Konzeptentwicklung von KoSI-Labs skizziert. Es werden mögliche Anforderungen, Aufgaben und Strukturen "
    "erläutert sowie die Einbeziehung von unterschiedlichen Akteuren (Zivilgesellschaft, Verwaltung, Politik "
    "etc.) diskutiert.\n\n"
    "Im Projekt „KoSI-Lab – Kommunale Labore sozialer Innovation“ haben sich die Städte Dortmund und Wuppertal "
    "das Ziel gesetzt, gemeinsam mit engagierten Akteuren der Stadtgesellschaft Innovationen für kommunale "
    "Herausforderungen zu nutzen. Strategien und konkrete Vorhaben werden in neuen, sozialen Laboren – "
    "sogenannten „KoSI-Labs“ – entwickelt. So entstehen Prototypen für nachhaltige Kooperationsmodelle und "
    "Unterstützungsstrukturen zwischen Verwaltung und Zivilgesellschaft auf kommunaler Ebene."
)

FES_TEXT = (
    "Wie sieht die Stadt von morgen aus? Welche Rolle spielt dabei die Digitalisierung? Welche Facetten bietet "
    "das Politikfeld Digitalisierung? Und wie kann die Soziale Demokratie eine digitale Kommune prägen? Diese "
    "Fragen stehen im Mittelpunkt des Online-Seminars. In drei Teilen lernen digitale Neulinge und Erfahrene "
    "das Politikfeld kommunale Digitalisierung von Grund auf kennen. Sie kommen zudem in den Austausch mit "
    "kommunalen und politischen Entscheider_innen und erarbeiten selbst Ideen und Leitlinien einer "
    "sozial-digitalen Kommune.\n\n"
    "Bei der Einführung am Freitagabend werden Grundlagen der kommunalen Digitalisierung vorgestellt: Was ist "
    "eigentlich eine Smart City? Was versteckt sich hinter Begriffen wie „E-Government“, „Open Data“ oder "
    "E-Akte? Danach folgt eine Diskussionsrunde mit kommunalen Entscheider_innen aus ländlichen sowie "
    "großstädtischen Regionen. Am Samstag lernen die Teilnehmenden unterschiedliche kommunale "
    "Digitalisierungsstrategien kennen und erarbeiten erste digitalpolitische Maßnahmen und Ideen. "
    "Abschließend wird in einer Diskussionsrunde mit Expert_innen besprochen, worauf es in digitalen Kommunen "
    "zu achten gilt. Der letzte Abschnitt soll motivieren, eigene Visionen und Ziele für eine sozial-digitale "
    "Kommune zu entwickeln, und zeigt, wie in Rat und Ausschüssen Digitalpolitik vor Ort gestaltet werden kann."
)

LEIPZIG_TEXT = (
    "Ko-kreative/produktive Zusammenarbeit haben wir bereits mit unterschiedlichen Zielgruppen initiiert, u.a. "
    "mit Schüler:innen und Student:innen. Die bisher entstandenen Lösungsteams wurden immer gut von der "
    "Verwaltung der Stadt Leipzig unterstützt, doch Mitarbeitende der Verwaltung hatten bisher keine eigenen "
    "Lösungsteams ins Leben gerufen. Mit der insgesamt 4,5-tägigen Weiterbildungsreihe soll sich das nun "
    "ändern. Die Reihe wurde im Rahmen des Programms RISE Cities und mit Unterstützung durch das "
    "Stadtplanungsamt und das Personalamt der Stadt Leipzig konzipiert.\n\n"
    "Seminarziel: Verwaltungsmitarbeitende definieren im Rahmen dieses Seminars eigene Gemeinwohlprojekte und "
    "verfolgen diese als Lösungsteams ko-kreativ und gemeinsam mit Dritten. Unterstützt werden sie dabei neben "
    "fachlichen Inputs durch externe Coachingpartner – je nach Aufgabe Bürger:innen, Politiker:innen oder "
    "Vertreter:innen aus der Wirtschaft aus dem Netzwerk von WiQ. Vermittelt und trainiert werden Methoden "
    "interdisziplinärer, ko-produktiver Zusammenarbeit und ko-kreativer Prozessentwicklung."
)

MEETING_TOPICS = [
    ("2024-05-17", "Personal und Aufgabenverständnis",
     "Das Selbstverständnis der Arbeit der Teilnehmenden: welche Aufgabenbereiche in der kommunalen "
     "Engagementförderung und -beratung abgedeckt werden und wie die Zusammenarbeit mit Ehrenamtlichen "
     "aussieht und gestaltet werden kann; dazu Herausforderungen der letzten Zeit und erprobte Lösungsansätze."),
    ("2024-11-20", "Lokale Vernetzung und Netzwerke",
     "Welchen Mehrwert lokale Netzwerke bieten – innerhalb der eigenen Verwaltungsstrukturen und darüber "
     "hinaus: Kulturakteur:innen, Stadtgesellschaft, andere Engagementsparten, Freiwilligenagenturen und "
     "Unternehmen als Partner:innen; welche Netzwerke genutzt werden, wie sie entstanden sind und welche "
     "Herausforderungen Vernetzung mit sich bringt."),
    ("2025-03-06", "Künstliche Intelligenz in kommunalen Kulturverwaltungen",
     "KI und ihre Anwendungsmöglichkeiten in der Arbeit von Kulturverwaltungen: Mehrwert und Chancen in der "
     "täglichen Arbeit, Datensicherheit und Kompetenzentwicklung, konkrete Erfahrungen, Hürden und Probleme."),
    ("2025-09-08", "Kreisverwaltungen und bürgerschaftliches Kulturengagement",
     "Wie Kulturarbeit auf Kreisebene aussehen kann, welche Rollen und Aufgaben Kreisverwaltungen übernehmen "
     "können, wie sie Städte und Gemeinden entlasten und das bürgerschaftliche Engagement stärken – und wie "
     "ein Entwicklungsprozess zu aktiven Kulturbüros auf Kreisebene aussehen kann."),
]


def _kiel() -> dict:
    days = ["2021-09-13", "2021-09-14", "2021-09-15", "2021-09-16", "2021-09-17"]
    sessions = []
    for day in days:
        # capacity of the morning workshop: not announced; the tiny office seats about eight
        sessions.append({"title": "Ideenschmiede Tiny Rathaus", "starts_at": f"{day}T10:00:00",
                         "ends_at": f"{day}T12:30:00", "capacity": 8, "registration": "required"})
        sessions.append({"title": "Tiny Rathaus Open Hour", "starts_at": f"{day}T13:00:00",
                         "ends_at": f"{day}T16:00:00", "capacity": None, "registration": "none"})
    return {
        "organizer": "Landeshauptstadt Kiel – Referat Kreative Stadt",
        "series": None,
        "events": [{
            "title": "Tiny Rathaus in Dietrichsdorf – zweite Testwoche",
            "summary": "Das mobile Rathaus öffnet eine Woche lang vor der Stadtteilbücherei Dietrichsdorf: "
                       "vormittags Ideenschmiede (mit Anmeldung), nachmittags Open Hour (ohne Anmeldung).",
            "description": KIEL_TEXT,
            "language": "de", "timezone": "Europe/Berlin",
            "starts_at": "2021-09-13T10:00:00", "ends_at": "2021-09-17T16:00:00",
            "format": "in_person",
            "venue": {"name": "vor der Stadtteilbücherei Neumühlen-Dietrichsdorf", "street": "Langer Rehm 29",
                      "postal_code": "24149", "city": "Kiel"},
            "price": {"amount_cents": 0, "currency": "EUR", "note": None},
            "audience": "Kolleg*innen der Stadtverwaltung, Bürger*innen und Interessierte",
            "tags": ["Verwaltung", "Bürgerbeteiligung", "Digitalisierung"],
            "contacts": [
                {"name": "Anne Czichowski", "role": "LH Kiel, Referat Kreative Stadt",
                 "email": "anne.czichowski@kiel.de", "phone": "0431/901-3086"},
                {"name": "Referat Kreative Stadt (Anmeldungen)", "email": "kreativ@kiel.de"},
            ],
            "sessions": sessions,
            "registration": {"mode": "required", "closes_at": "2021-09-10T09:00:00", "waitlist": True,
                             "max_companions": 0},
        }],
    }


def _dortmund() -> dict:
    d = "2018-02-22"
    return {
        "organizer": "ILS – Institut für Landes- und Stadtentwicklungsforschung",
        "series": {"title": "Werkstattreihe „Kommunale Labore sozialer Innovation“",
                   "description": "Vierteilige Werkstattreihe zum Thema Labore sozialer Innovation (KoSI-Lab). "
                                  "Nach der Teilnahme an allen vier Werkstätten können Sie eigenständig Labore "
                                  "sozialer Innovation in Ihrer Kommune etablieren. Weitere Werkstätten: "
                                  "3. Werkstatt: Aufbau; 4. Werkstatt: Verstetigung.",
                   "planned_parts": 4},
        "events": [{
            "title": "2. Werkstatt: Konzeptentwicklung „Kommunale Labore sozialer Innovation“",
            "summary": "Die konkrete Konzeptentwicklung von KoSI-Labs: Anforderungen, Aufgaben, Strukturen und "
                       "die Einbeziehung von Zivilgesellschaft, Verwaltung und Politik.",
            "description": DORTMUND_TEXT,
            "language": "de", "timezone": "Europe/Berlin",
            # the programme ends with "Fazit und Ausblick" at 15:30; the end time is not announced
            "starts_at": f"{d}T11:00:00", "ends_at": f"{d}T16:00:00",
            "format": "in_person",
            "venue": {"name": "ILS – Institut für Landes- und Stadtentwicklungsforschung",
                      "street": "Brüderweg 22–24", "postal_code": "44135", "city": "Dortmund"},
            "price": {"amount_cents": 0, "currency": "EUR", "note": None},
            "audience": "Kommunen, Verwaltung, Zivilgesellschaft und Politik",
            "tags": ["Soziale Innovation", "Werkstatt"],
            "contacts": [{"name": "Mona Wallraff", "role": "ILS", "email": "mona.wallraff@ils-forschung.de"}],
            "series_position": 2,
            "agenda": [
                {"starts_at": f"{d}T11:00:00", "title": "Begrüßung",
                 "speakers": ["Ralf Zimmer-Hegmann, ILS – Institut für Landes- und Stadtentwicklungsforschung"]},
                {"starts_at": f"{d}T11:15:00", "title": "Einführung",
                 "speakers": ["Jürgen Schultze, Sozialforschungsstelle – Technische Universität Dortmund"]},
                {"starts_at": f"{d}T11:30:00", "title": "Input-Vorträge: Erfahrungen aus Dortmund und Wuppertal",
                 "speakers": ["Dr. Arne Elias, Wirtschaftsförderung Dortmund", "Clara Utsch, Stadt Wuppertal"]},
                {"starts_at": f"{d}T12:45:00", "title": "Mittagsimbiss"},
                {"starts_at": f"{d}T13:30:00", "title": "Parallele Arbeitsgruppen"},
                {"starts_at": f"{d}T15:15:00", "title": "Kaffeepause"},
                {"starts_at": f"{d}T15:30:00", "title": "Fazit und Ausblick"},
            ],
            # capacity not announced; a workshop room of the institute
            "registration": {"mode": "required", "capacity": 40, "waitlist": True, "max_companions": 0},
        }],
    }


def _fes() -> dict:
    # "ab 18:00 Uhr" on Friday 29 Oct 2021, continued on Saturday; the part times are not announced
    return {
        "organizer": "Friedrich-Ebert-Stiftung",
        "series": None,
        "events": [{
            "title": "Social Smart City – Einblicke in eine sozial-digitale Kommunalpolitik",
            "summary": "Online-Seminar in drei Teilen über kommunale Digitalisierung – für digitale Neulinge "
                       "und Erfahrene.",
            "description": FES_TEXT,
            "language": "de", "timezone": "Europe/Berlin",
            "starts_at": "2021-10-29T18:00:00", "ends_at": "2021-10-30T16:30:00",
            "format": "online", "venue": None, "online_url": None,
            "price": {"amount_cents": 4000, "currency": "EUR", "note": "Teilnahmepauschale"},
            "audience": "Digitale Neulinge und Erfahrene in der Kommunalpolitik",
            "tags": ["Digitalisierung", "Smart City", "Kommunalpolitik"],
            "contacts": [],
            "sessions": [
                {"title": "Teil 1: Grundlagen und Diskussionsrunde", "starts_at": "2021-10-29T18:00:00",
                 "ends_at": "2021-10-29T20:30:00", "registration": "required"},
                {"title": "Teil 2: Kommunale Digitalisierungsstrategien", "starts_at": "2021-10-30T10:00:00",
                 "ends_at": "2021-10-30T13:00:00", "registration": "required"},
                {"title": "Teil 3: Visionen für eine sozial-digitale Kommune", "starts_at": "2021-10-30T14:00:00",
                 "ends_at": "2021-10-30T16:30:00", "registration": "required"},
            ],
            "agenda": [
                {"starts_at": "2021-10-29T18:00:00", "title": "Einführung: Grundlagen der kommunalen Digitalisierung",
                 "description": "Smart City, E-Government, Open Data, E-Akte"},
                {"starts_at": "2021-10-29T19:15:00", "title": "Diskussionsrunde mit kommunalen Entscheider_innen",
                 "speakers": ["Martin Murrack, Stadtdirektor und Stadtkämmerer, Stadt Duisburg"]},
                {"starts_at": "2021-10-30T10:00:00", "title": "Kommunale Digitalisierungsstrategien"},
                {"starts_at": "2021-10-30T11:30:00", "title": "Erarbeitung digitalpolitischer Maßnahmen und Ideen"},
                {"starts_at": "2021-10-30T14:00:00", "title": "Diskussionsrunde mit Expert_innen für kommunale Digitalisierung",
                 "speakers": ["Frauke Janßen, Beauftragte für Digitalisierung, Deutscher Städtetag"]},
                {"starts_at": "2021-10-30T15:15:00", "title": "Visionen und Ziele; Digitalpolitik in Rat und Ausschüssen"},
            ],
            # one sign-up covers all three parts; seats of an online seminar: not announced
            "registration": {"mode": "required", "capacity": 25, "waitlist": True, "max_companions": 0,
                             "questions": [{"key": "kommune", "label": "Kommune / Organisation", "type": "text",
                                            "required": False}]},
        }],
    }


def _meetings() -> dict:
    # dates and topics as announced; the time of day is not (10–12 Uhr assumed), nor the place:
    # the network meets online and sends the access link to those signed up
    return {
        "organizer": "Netzwerk Kulturverwaltungen – Bürgerschaftliches Engagement",
        "series": {"title": "Austausch der Kulturverwaltungen zum bürgerschaftlichen Kulturengagement",
                   "description": "Regelmäßige Treffen von Mitarbeitenden kommunaler Kulturverwaltungen und "
                                  "Kreisverwaltungen zur Förderung des lokalen Kulturengagements.",
                   "planned_parts": len(MEETING_TOPICS)},
        "events": [{
            "title": title, "summary": text, "description": text,
            "language": "de", "timezone": "Europe/Berlin",
            "starts_at": f"{day}T10:00:00", "ends_at": f"{day}T12:00:00",
            "format": "online", "venue": None, "online_url": None,
            "price": {"amount_cents": 0, "currency": "EUR", "note": None},
            "audience": "Mitarbeitende kommunaler Kultur- und Kreisverwaltungen",
            "tags": ["Kultur", "Engagement", "Netzwerktreffen"],
            "contacts": [{"name": "Anne Melzig", "role": "Wissenschaftliche Referentin für bürgerschaftliches Engagement",
                          "phone": "0251 591 5081"}],
            "series_position": position,
            "registration": {"mode": "required", "capacity": 30, "waitlist": True, "max_companions": 0},
        } for position, (day, title, text) in enumerate(MEETING_TOPICS, start=1)],
    }


def _leipzig() -> dict:
    # "Die Reihe hat im März 2024 begonnen", six modules, 4.5 days in all; the module dates are
    # not announced: three full days and three half days, fortnightly from 7 March 2024
    modules = ["Freiheit im Denken", "Ideenschmiede", "Die Stärke von Netzwerken",
               "Projekt- und Zeitmanagement in Netzwerken", "Erfolgreiche in-/externe Kommunikation",
               "Ergebnisse und wie weiter"]
    first = date(2024, 3, 7)
    sessions = []
    for i, title in enumerate(modules):
        day = (first + timedelta(weeks=2 * i)).isoformat()
        end = "17:00:00" if i < 3 else "13:00:00"
        sessions.append({"title": f"Modul {i + 1}: {title}", "starts_at": f"{day}T09:00:00",
                         "ends_at": f"{day}T{end}", "registration": "required"})
    return {
        "organizer": "Wir im Quartier (WiQ) Leipzig",
        "series": None,
        "events": [{
            "title": "Ko-kreative Projektentwicklung zum Gemeinwohl",
            "summary": "4,5-tägige Weiterbildungsreihe in sechs Modulen für Mitarbeiter:innen der Stadtverwaltung "
                       "Leipzig: eigene Gemeinwohlprojekte als Lösungsteams ko-kreativ entwickeln.",
            "description": LEIPZIG_TEXT,
            "language": "de", "timezone": "Europe/Berlin",
            "starts_at": sessions[0]["starts_at"], "ends_at": sessions[-1]["ends_at"],
            "format": "in_person",
            "venue": {"name": "Wir im Quartier (WiQ), Leipziger Westen", "city": "Leipzig"},
            "price": {"amount_cents": 0, "currency": "EUR", "note": None},
            "audience": "Mitarbeiter:innen der Stadtverwaltung, die ko-kreative Prozesse kennen und nutzen lernen "
                        "möchten",
            "tags": ["Weiterbildung", "Gemeinwohl", "Ko-Kreation", "RISE Cities"],
            "contacts": [{"name": "WiQ-Redaktion", "role": "Wir im Quartier (WiQ)"}],
            "sessions": sessions,
            "registration": {"mode": "required", "capacity": 16, "waitlist": True, "max_companions": 0,
                             "approval": True,
                             "questions": [{"key": "amt", "label": "Amt / Dienststelle", "type": "text",
                                            "required": True}]},
        }],
    }


SEEDS = (_kiel, _dortmund, _fes, _meetings, _leipzig)


def seed_demo(as_published: bool = False, today: date | None = None) -> list[Event]:
    today = today or date.today()
    created = []
    for build in SEEDS:
        group = build()
        organizer = db.session.execute(select(Organizer).where(Organizer.name == group["organizer"])).scalar_one_or_none()
        if organizer is None:
            organizer = Organizer(name=group["organizer"])
            db.session.add(organizer)
            db.session.flush()
        elif db.session.execute(select(Event.id).where(Event.organizer_id == organizer.id).limit(1)).first():
            continue  # this organizer's seed events are already there
        weeks = 0 if as_published else weeks_for(group["events"], today)
        series = None
        if group["series"]:
            series = Series(organizer_id=organizer.id, **group["series"])
            db.session.add(series)
            db.session.flush()
        for raw in group["events"]:
            data = EventCreateSchema().load(shifted(raw, timedelta(weeks=weeks)))
            if series is not None:
                data["series_id"] = series.id
            event = Event(organizer_id=organizer.id, status="published", revision=1)
            domain.apply(event, data)
            db.session.add(event)
            db.session.flush()
            event.published_at = event.created_at
            domain.announce(event, "published")
            created.append(event)
    db.session.commit()
    return created
