"""How long the sprint summary PDF takes, against WeasyPrint alone on the same HTML.

    .venv/bin/python bench/pdf_bench.py [--rounds 5] [--time-limit 900]

Builds two journeys in a throwaway SQLite file through the services (150 steps and 1,000 steps,
emotions scored, 40 critical points with reports and votes on each), a running sprint on each,
then renders each sprint's summary in interleaved rounds two ways:

- the app's own path: `render_summary` in a request context, then the app's renderer (a worker
  process forked from the PDF forkserver, with the static-only fetcher and the configured tagging);
- WeasyPrint alone, in this process, on the HTML of the same round with the same fetcher and
  options.

It prints one table of medians with the machine it ran on and whether the goals were met:
at most 0.8 s per 100 steps, and at most 1.2 times what WeasyPrint alone takes. The whole run
stops at the time limit and reports what it measured by then.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import platform
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import goals  # bench/goals.py: this script's directory is on the path
import weasyprint

from workshop import config, create_app, pdf
from workshop.accounts import services as accounts
from workshop.accounts.models import OrganisationKind, Workspace
from workshop.critical_points import services as points
from workshop.critical_points.models import DEFAULT_CATEGORIES, ReporterRole
from workshop.critical_points.services import ReportData
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Channel, JourneyKind, LaneKind
from workshop.sprints import services as sprints
from workshop.sprints.models import DecisionStatus, ExperimentStatus, Sprint
from workshop.sprints.summary import render_summary

GOAL_PER_100_STEPS = 0.8  # seconds
GOAL_RATIO = 1.2  # app path / WeasyPrint alone
LANGUAGE = "fi"

# (steps, stages); every journey has the five default actor lanes and one backstage lane.
SIZES = ((150, 5), (1000, 20))
POINTS_PER_JOURNEY = 40

STEP_TITLES = [
    "Työnantaja ottaa yhteyttä oppilaitokseen",
    "Opiskelija ja työpaikkaohjaaja sopivat tehtävistä",
    "Opettaja käy työpaikalla",
    "Toimisto lähettää sopimuksen allekirjoitettavaksi",
    "Ohjaaja arvioi osaamisen näytössä",
    "Koulutuskorvauksesta sovitaan",
    "Henkilökohtainen suunnitelma päivitetään",
]
STEP_TEXT = (
    "Kuka tekee mitä, milloin ja millä välineellä. Kirjattu työpajassa; tarkennetaan "
    "seuraavalla kierroksella yhdessä työpaikan kanssa."
)
POINT_TITLES = [
    "Yhteyshenkilö vaihtuu kesken jakson",
    "Lomakkeita on liikaa ja ne toistavat toisiaan",
    "Ohjaaja ei tiedä, mitä näytössä arvioidaan",
    "Sopimus tulee allekirjoitettavaksi liian myöhään",
    "Korvauksen maksu viivästyy",
]
QUOTE = (
    "Meille soitettiin kolmesta eri paikasta samasta asiasta, eikä kukaan tiennyt, kuka "
    "sopimuksen lopulta hoitaa."
)


class OutOfTime(Exception):
    """The run reached its time limit."""


# --- building the content ----------------------------------------------------------------------


def build(size: int, stage_count: int, user, workspace, organisations) -> Sprint:
    """A journey of `size` steps with emotions and critical points, and a running sprint on it."""
    journey = journeys.create_journey(
        workspace, user, f"Oppisopimus, {size} askelta", JourneyKind.APPRENTICESHIP, LANGUAGE
    )
    for n in range(2, stage_count + 1):
        journeys.add_stage(journey, user, f"Vaihe {n}")
    journeys.add_lane(journey, user, "Järjestelmät ja taustatyö", LaneKind.BACKSTAGE)
    db.session.refresh(journey)
    cells = [(stage, lane) for stage in journey.stages for lane in journey.lanes]
    steps = []
    for n in range(size):
        stage, lane = cells[n % len(cells)]
        step = journeys.add_step(
            journey,
            user,
            stage.id,
            lane.id,
            f"{STEP_TITLES[n % len(STEP_TITLES)]} ({n + 1})",
            STEP_TEXT,
            list(Channel)[n % len(Channel)],
        )
        emotions = ((n % 5) - 2, ((n * 3) % 5) - 2)
        change = journeys.StepChange(
            step.title, step.description, step.channel, stage.id, lane.id, *emotions
        )
        journeys.update_step(journey, user, step, step.version, change)
        steps.append(step)

    categories = list(DEFAULT_CATEGORIES)
    roles = list(ReporterRole)
    found = []
    for n in range(POINTS_PER_JOURNEY):
        step = steps[(n * 7919) % len(steps)]  # spread over the map
        point = points.report_point(
            workspace,
            journey,
            user,
            points.NewPoint(
                step=step,
                title=f"{POINT_TITLES[n % len(POINT_TITLES)]} ({n + 1})",
                description="Kuvaus siitä, mitä tapahtuu ja kenelle.",
                severity=n % 3 + 1,
                category=f"key:{categories[n % len(categories)]}",
                report=ReportData(
                    role=roles[n % len(roles)],
                    organisation_id=organisations[n % len(organisations)].id,
                    quote=QUOTE,
                    source="Työpaja",
                    reported_on=date(2025, 2, 1),
                ),
            ),
        )
        for extra in range(n % 3):
            points.add_report(
                workspace,
                point,
                user,
                ReportData(role=roles[(n + extra + 1) % len(roles)], quote=QUOTE[:60]),
            )
        if n % 4 == 0:
            points.toggle_vote(point, user)
        found.append(point)

    sprint = sprints.create_sprint(
        workspace,
        user,
        sprints.SprintData(
            title=f"Kevään sprintti, {size} askelta",
            challenge="Miten työnantaja saisi yhden yhteyshenkilön koko oppisopimuksen ajaksi?",
            starts_on=date(2025, 3, 1),
            ends_on=date(2025, 3, 28),
            phases=["Ymmärrä", "Määrittele", "Ideoi", "Kokeile", "Päätä"],
            journey_ids=[journey.id],
        ),
    )
    for n in range(8):
        sprints.add_participant(
            sprint,
            sprints.ParticipantData(
                user_id=None,
                name=f"Osallistuja {n + 1}",
                role=roles[n % len(roles)],
                organisation_id=organisations[n % len(organisations)].id,
                is_facilitator=False,
            ),
        )
    for n in range(3):
        sprints.add_experiment(
            sprint,
            user,
            sprints.ExperimentData(
                title=f"Kokeilu {n + 1}: yksi yhteyshenkilö",
                hypothesis="Uskomme, että yksi nimetty yhteyshenkilö vähentää soittoja.",
                change="Oppilaitos nimeää jokaiselle työpaikalle yhden yhteyshenkilön.",
                owner="Opettaja",
                starts_on=date(2025, 3, 3),
                ends_on=date(2025, 3, 21),
                success_measure="Soittoja puolet vähemmän kuin syksyllä.",
                result="",
                status=ExperimentStatus.RUNNING,
                point_ids=[p.id for p in found[n * 3 : n * 3 + 3]],
            ),
        )
    for n in range(4):
        sprints.add_decision(
            sprint,
            sprints.DecisionData(
                text=f"Päätös {n + 1}: sopimuspohja yhdistetään yhdeksi lomakkeeksi.",
                owner_user_id=None,
                owner_name="Toimisto",
                owner_organisation_id=organisations[0].id,
                due_on=date(2025, 4, 30),
                status=DecisionStatus.OPEN,
            ),
        )
    sprints.start_sprint(sprint)
    return sprint


def build_all(app) -> dict[str, int]:
    """Every journey and sprint, committed: the workspace's id and each size's sprint's id."""
    with app.app_context():
        db.create_all()
        user = accounts.create_user("bench@example.fi", "Fasilitaattori", "bench-password-1")
        workspace = accounts.create_workspace(user, "Vertailu")
        organisations = [
            accounts.add_organisation(workspace, "Rakennus Oy", OrganisationKind.EMPLOYER),
            accounts.add_organisation(workspace, "Ammattiopisto", OrganisationKind.INSTITUTION),
            accounts.add_organisation(workspace, "Kauppa Ab", OrganisationKind.EMPLOYER),
        ]
        made: dict[str, int] = {}
        for size, stage_count in SIZES:
            made[str(size)] = build(size, stage_count, user, workspace, organisations).id
        db.session.commit()
        return {"workspace": workspace.id, **made}


# --- measuring ---------------------------------------------------------------------------------


@dataclass
class Measured:
    """What the rounds measured for one journey size."""

    app_seconds: list[float] = field(default_factory=list)
    html_seconds: list[float] = field(default_factory=list)
    alone_seconds: list[float] = field(default_factory=list)
    pages: int = 0
    peak_kib: list[int] = field(default_factory=list)
    html: str = ""


@dataclass
class Run:
    """The measurements so far, kept when the time limit cuts the run short."""

    rounds: int
    results: dict[int, Measured] = field(
        default_factory=lambda: {size: Measured() for size, _stages in SIZES}
    )
    done: int = 0
    idle_peak_kib: int | None = None
    load_before: str = ""

    def expected_seconds(self, size: int) -> float:
        """How long both renders of this size should take: as last time, or scaled up from
        the largest smaller size measured."""
        for known in sorted((s for s in self.results if s <= size), reverse=True):
            m = self.results[known]
            if m.app_seconds and m.alone_seconds:
                return (m.app_seconds[-1] + m.alone_seconds[-1]) * size / known
        return 0.0


def app_path(app, workspace_id: int, sprint_id: int) -> tuple[str, pdf.PdfResult, float, float]:
    """The summary the way the PDF route makes it: HTML from the sprint, then the renderer."""
    gc.collect()
    started = time.perf_counter()
    with app.test_request_context():
        workspace = db.session.get(Workspace, workspace_id)
        sprint = sprints.get_sprint(workspace, sprint_id)
        html = render_summary(sprint, LANGUAGE, False, {}, True)
        html_done = time.perf_counter()
        result = app.extensions["polku_pdf"].render(html)
        db.session.remove()
    return html, result, html_done - started, time.perf_counter() - started


def weasyprint_alone(app, html: str) -> float:
    """WeasyPrint on the same HTML in this process, with the same fetcher and options."""
    options = {"pdf_variant": "pdf/ua-1"} if app.config["PDF_TAGGED"] else {}
    gc.collect()  # start clean, like the worker it is compared with
    started = time.perf_counter()
    fetcher = pdf.StaticOnlyFetcher(Path(app.static_folder))
    weasyprint.HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=fetcher).write_pdf(**options)
    return time.perf_counter() - started


def warm_up(app) -> int:
    """Start a render worker and load fonts once, as a running app would have done already;
    returns the peak memory of rendering next to nothing, the base every render starts from."""
    html = f'<link rel="stylesheet" href="{pdf.static_url("css/print.css")}"><p>Polku</p>'
    result = app.extensions["polku_pdf"].render(html)
    weasyprint_alone(app, html)
    return result.peak_memory_kib


def measure(app, ids: dict[str, int], run: Run, deadline: float) -> None:
    """Interleaved rounds until all are done or the next would not fit in the time left."""
    for round_number in range(run.rounds):
        # Alternate which way goes first, so neither always runs on a warmer machine.
        app_first = round_number % 2 == 0
        for size, _stages in SIZES:
            measured = run.results[size]
            if time.monotonic() + run.expected_seconds(size) > deadline:
                return
            if not app_first:
                # The HTML does not change between rounds: the previous round's is the same.
                measured.alone_seconds.append(weasyprint_alone(app, measured.html))
            html, result, html_seconds, total = app_path(app, ids["workspace"], ids[str(size)])
            measured.html = html
            measured.app_seconds.append(total)
            measured.html_seconds.append(html_seconds)
            measured.pages = result.pages
            measured.peak_kib.append(result.peak_memory_kib)
            if app_first:
                measured.alone_seconds.append(weasyprint_alone(app, html))
        run.done += 1


# --- reporting ---------------------------------------------------------------------------------


def machine() -> str:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        usable = os.cpu_count()
    return (
        f"{usable} usable cores of {os.cpu_count()}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}"
    )


def load() -> str:
    """The 1-minute load average: other work on the machine makes every number slower."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def verdict(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "MISSED")


def report(app, run: Run, timeout_default: float) -> None:
    """The one table: medians, pages, peak memory, the machine, and the goals met or missed."""
    results, rounds, done = run.results, run.rounds, run.done
    sizes = [size for size, _stages in SIZES]

    def median(values):
        return statistics.median(values) if values else None

    def cell(value, spec):
        return "n/a" if value is None else format(value, spec)

    rows = []
    per_100, ratio = {}, {}
    for size in sizes:
        m = results[size]
        app_s, alone_s = median(m.app_seconds), median(m.alone_seconds)
        per_100[size] = None if app_s is None else app_s / size * 100
        ratio[size] = None if app_s is None or not alone_s else app_s / alone_s
    rows.append(("pages", *[cell(results[s].pages or None, "d") for s in sizes], "", ""))
    rows.append(
        (
            "app path, s (of which HTML)",
            *[
                "n/a"
                if not results[s].app_seconds
                else f"{median(results[s].app_seconds):.2f} ({median(results[s].html_seconds):.2f})"
                for s in sizes
            ],
            "",
            "",
        )
    )
    rows.append(
        ("WeasyPrint alone, s", *[cell(median(results[s].alone_seconds), ".2f") for s in sizes])
        + ("", "")
    )
    met_speed = (
        None if None in per_100.values() else all(v <= GOAL_PER_100_STEPS for v in per_100.values())
    )
    met_ratio = None if None in ratio.values() else all(v <= GOAL_RATIO for v in ratio.values())
    rows.append(
        (
            "s per 100 steps (app path)",
            *[cell(per_100[s], ".2f") for s in sizes],
            f"≤ {GOAL_PER_100_STEPS}",
            verdict(met_speed),
        )
    )
    rows.append(
        (
            "ratio to WeasyPrint alone",
            *[cell(ratio[s], ".2f") for s in sizes],
            f"≤ {GOAL_RATIO}×",
            verdict(met_ratio),
        )
    )
    peak = max(results[sizes[-1]].peak_kib, default=None)
    rows.append(
        (
            f"peak memory of the render process at {sizes[-1]} steps",
            "",
            "n/a" if peak is None else f"{peak / 1024:.0f} MiB",
            "",
            "",
        )
    )
    for size in sizes:
        goals.record(
            f"PDF, {size} steps: seconds per 100 steps",
            cell(per_100[size], ".2f"),
            f"≤ {GOAL_PER_100_STEPS}",
            None if per_100[size] is None else per_100[size] <= GOAL_PER_100_STEPS,
        )
        goals.record(
            f"PDF, {size} steps: ÷ WeasyPrint alone",
            cell(ratio[size], ".2f"),
            f"≤ {GOAL_RATIO}×",
            None if ratio[size] is None else ratio[size] <= GOAL_RATIO,
        )
    goals.record(
        f"PDF, {sizes[-1]} steps: peak memory of the render process",
        "n/a" if peak is None else f"{peak / 1024:.0f} MiB",
        "",
        None,
    )
    if run.idle_peak_kib is not None:
        idle = f"{run.idle_peak_kib / 1024:.0f} MiB"
        rows.append(("(the same, rendering next to nothing)", "", idle, "", ""))

    header = ("", *[f"{s} steps" for s in sizes], "goal", "")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print()
    print(
        f"Sprint summary PDF ({LANGUAGE}, tagged={app.config['PDF_TAGGED']}), "
        f"median of {done} of {rounds} interleaved rounds"
    )
    print(f"Machine: {machine()}")
    print(f"Load average (1 min): {run.load_before} before, {load()} after")
    print(f"Each journey: {POINTS_PER_JOURNEY} critical points, 6 lanes, emotions on every step")
    for line in (header, *rows):
        print(
            "  ".join(
                str(v).ljust(w) if i == 0 else str(v).rjust(w)
                for i, (v, w) in enumerate(zip(line, widths, strict=True))
            )
        )
    slowest = max((max(m.app_seconds, default=0) for m in results.values()), default=0)
    if slowest > timeout_default:
        print(
            f"Note: a render took {slowest:.0f} s, over the app's PDF_TIMEOUT of "
            f"{timeout_default} s; in the app it would have been stopped."
        )
    if done < rounds:
        print(f"Stopped at the time limit after {done} complete rounds.")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=900, help="seconds for everything")
    args = parser.parse_args(argv)
    started = time.monotonic()
    deadline = started + args.time_limit

    def out_of_time(_signum, _frame):
        raise OutOfTime()

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.time_limit) + 30)  # the hard stop, should a render never end
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="polku-bench-") as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite'}",
                "LOG_LEVEL": "WARNING",
                # Measure long renders instead of stopping them; the report says if the app's
                # own limit would have stopped one.
                "PDF_TIMEOUT": args.time_limit,
                # Every round renders the same HTML: a kept PDF would measure nothing.
                "PDF_CACHE_MIB": 0,
            }
        )
        timeout_default = config.defaults(app.instance_path)["PDF_TIMEOUT"]
        run = Run(args.rounds, load_before=load())
        print(f"Building journeys of {', '.join(str(s) for s, _ in SIZES)} steps…", flush=True)
        try:
            ids = build_all(app)
            print(f"Built in {time.monotonic() - started:.0f} s; rendering…", flush=True)
            with app.app_context():
                run.idle_peak_kib = warm_up(app)
                measure(app, ids, run, deadline)
        except OutOfTime:
            print("The time limit was reached.", file=sys.stderr)
        finally:
            signal.alarm(0)
        with app.app_context():
            db.engine.dispose()
        report(app, run, timeout_default)
    return 0 if run.done else 1


if __name__ == "__main__":
    sys.exit(main())
