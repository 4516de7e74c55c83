"""The competence survey's aggregated report with 2,000 respondents × 24 items (issue 17).

    .venv/bin/python bench/survey_bench.py [--rounds 3] [--time-limit 600]

Builds a throwaway SQLite database: a closed round whose 2,000 submitted responses (one role
under the threshold, six units) and 48,000 answers are written with bulk inserts, and the
150-step sprint of bench/pdf_bench.py beside it. Then, in one run:

1. the report page served for real (gunicorn, as bench/server_bench.py serves the app), its p95
   against the trivial "hello" route of the same server, in interleaved rounds (goal ≤ 5×);
2. the report's PDF made the way its route makes it (HTML from the report, then the app's
   renderer) against the sprint summary's PDF, in seconds per page, in interleaved rounds
   (goal ≤ 2×).

The aggregates are the database's: `aggregate.py` groups the answers in SQL; this script only
measures. Every figure comes from this run on this machine; nothing here is a pass/fail test.
"""

import argparse
import gc
import random
import signal
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import goals  # bench/goals.py: this script's directory is on the path
import pdf_bench
import server_bench
from bs4 import BeautifulSoup
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workshop import create_app  # noqa: E402
from workshop.accounts import services as accounts  # noqa: E402
from workshop.accounts.models import OrganisationKind, User, Workspace  # noqa: E402
from workshop.competence import services as survey  # noqa: E402
from workshop.competence.models import Answer, AnswerKind, Response, Round  # noqa: E402
from workshop.competence.views.report_pdf import print_html  # noqa: E402
from workshop.extensions import db  # noqa: E402
from workshop.models_base import utcnow  # noqa: E402
from workshop.sprints import services as sprints  # noqa: E402
from workshop.sprints.summary import render_summary  # noqa: E402

EMAIL, PASSWORD = "bench@example.fi", "bench-password-123"
RESPONDENTS = 2000
# Roles as an institution's staff might split; MGT stays under k, so "Other" is in every table.
ROLE_SIZES = {"TCH": 1150, "WBL": 320, "SC": 290, "OFF": 236, "MGT": 4}
UNITS = ["Tekniikka", "Palvelut", "Sosiaali- ja terveys", "Kauppa", "Luonnonvarat", "Hallinto"]
PAGE_GOAL, PDF_GOAL = 5.0, 2.0
LANGUAGE = "fi"


def answered_round(workspace, user) -> Round:
    """The round, its responses and answers written with a few bulk inserts."""
    today = date.today()
    round_, _token = survey.open_round(
        workspace,
        user,
        name="Osaamiskysely 2026",
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=1),
        roles=list(ROLE_SIZES),
        units=UNITS,
        free_text=True,
    )
    unit_ids = [unit.id for unit in round_.units]
    rng = random.Random(17)
    first = (db.session.scalar(select(func.max(Response.id))) or 0) + 1
    responses, answers, number = [], [], first
    for role, size in ROLE_SIZES.items():
        for index in range(size):
            responses.append(
                {
                    "id": number,
                    "round_id": round_.id,
                    "device_hash": f"bench-{number}",
                    "role": role,
                    "unit_id": unit_ids[index % len(unit_ids)],
                    "free_text": f"Toive {number}" if index % 40 == 0 else "",
                    "started_at": utcnow(),
                    "submitted_at": utcnow(),
                }
            )
            for item in round_.items:
                roll = rng.random()
                kind = AnswerKind.NA if roll < 0.06 else AnswerKind.DK if roll < 0.1 else None
                answers.append(
                    {
                        "response_id": number,
                        "round_item_id": item.id,
                        "kind": kind or AnswerKind.SCALE,
                        "value": None if kind else rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)),
                        "coaching": rng.random() < 0.15,
                    }
                )
            number += 1
    db.session.execute(insert(Response), responses)
    db.session.execute(insert(Answer), answers)
    round_.locked_at = utcnow()
    return round_


def build(database_url: str) -> dict:
    """The workspace with the answered round and the 150-step sprint; their ids."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        user = accounts.create_user(EMAIL, "Fasilitaattori", PASSWORD)
        workspace = accounts.create_workspace(user, "Vertailu")
        organisations = [
            accounts.add_organisation(workspace, "Rakennus Oy", OrganisationKind.EMPLOYER),
            accounts.add_organisation(workspace, "Ammattiopisto", OrganisationKind.INSTITUTION),
        ]
        started = time.perf_counter()
        round_ = answered_round(workspace, user)
        db.session.commit()
        print(f"  {RESPONDENTS} responses inserted in {time.perf_counter() - started:.1f} s")
        sprint = pdf_bench.build(150, 5, user, workspace, organisations)
        db.session.commit()
        ids = {"workspace": workspace.id, "round": round_.id, "sprint": sprint.id}
        db.session.remove()
        db.engine.dispose()
    return ids


# --- the page, served ------------------------------------------------------------------------


def log_in(port: int) -> str:
    """A session cookie of the bench's facilitator."""
    client = server_bench.Client(port)
    client.request("GET", "/login")
    page = BeautifulSoup(client.body, "html.parser")
    form = {i["name"]: i.get("value", "") for i in page.select("#login-form input[name]")}
    form |= {"email": EMAIL, "password": PASSWORD}
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    status, _headers, _ms = client.request("POST", "/login", urlencode(form), headers)
    client.close()
    if status != 303:
        raise SystemExit(f"logging in answered {status}")
    return "; ".join(f"{name}={value}" for name, value in client.cookies.items())


def page_round(port: int, cookie: str, report: str, per_target: int, clients=4) -> dict:
    """p95 in ms of hello and of the report page, a few keep-alive clients at once."""
    targets = {"hello": "/bench/hello", "report": report}
    result = {}
    for name, path in random.sample(list(targets.items()), len(targets)):
        times: list[float] = []

        def run(path=path, times=times):
            client = server_bench.Client(port, cookie)
            for _ in range(per_target):
                status, _headers, ms = client.request("GET", path)
                if status != 200:
                    raise SystemExit(f"{path} answered {status}")
                times.append(ms)
            client.close()

        threads = [server_bench.threading.Thread(target=run) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result[name] = server_bench.p95(times)
    return result


def measure_page(database_url: str, tmp: str, ids: dict, rounds: int) -> list[dict]:
    port = server_bench.free_port()
    report = f"/w/{ids['workspace']}/survey/rounds/{ids['round']}/report"
    with open(Path(tmp) / "server.log", "wb") as log:
        server = server_bench.serve(database_url, port, log, Path(tmp) / "access.log")
        try:
            server_bench.wait_until_up(port, server)
            cookie = log_in(port)
            page_round(port, cookie, report, per_target=5)  # warm up
            return [page_round(port, cookie, report, per_target=40) for _ in range(rounds)]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)


# --- the PDFs, made as their routes make them ------------------------------------------------


def survey_pdf(app, ids: dict) -> tuple[float, int]:
    gc.collect()
    started = time.perf_counter()
    with app.test_request_context():
        round_ = survey.get_round(db.session.get(Workspace, ids["workspace"]), ids["round"])
        html = print_html(round_, LANGUAGE, for_pdf=True, shared=False)
        result = app.extensions["polku_pdf"].render(html)
        db.session.remove()
    return time.perf_counter() - started, result.pages


def sprint_pdf(app, ids: dict) -> tuple[float, int]:
    gc.collect()
    started = time.perf_counter()
    with app.test_request_context():
        sprint = sprints.get_sprint(db.session.get(Workspace, ids["workspace"]), ids["sprint"])
        html = render_summary(sprint, LANGUAGE, False, {}, True)
        result = app.extensions["polku_pdf"].render(html)
        db.session.remove()
    return time.perf_counter() - started, result.pages


def measure_pdfs(database_url: str, ids: dict, rounds: int) -> dict[str, list[tuple]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    app.config["PDF_TIMEOUT"] = 300
    # Every round renders the same HTML: a kept PDF would measure nothing.
    app.extensions["polku_pdf"].cache_bytes = 0
    measured: dict[str, list[tuple]] = {"survey": [], "sprint": []}
    try:
        with app.app_context():
            db.session.get(User, 1)  # connect once, outside the timing
        survey_pdf(app, ids), sprint_pdf(app, ids)  # warm the worker and its fonts
        for number in range(rounds):
            order = ("survey", "sprint") if number % 2 == 0 else ("sprint", "survey")
            for name in order:
                make = survey_pdf if name == "survey" else sprint_pdf
                measured[name].append(make(app, ids))
    finally:
        app.extensions["polku_pdf"].close()
    return measured


def in_process_report(database_url: str, ids: dict) -> float:
    """How long building the RoundReport takes in process (the database's grouping included)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        round_ = db.session.get(Round, ids["round"])
        survey.report_of(round_)
        times = []
        for _ in range(5):
            started = time.perf_counter()
            survey.report_of(round_)
            times.append(time.perf_counter() - started)
        db.session.remove()
    return statistics.median(times)


# --- the table -------------------------------------------------------------------------------


def report(pages: list[dict], pdfs: dict, build_seconds: float) -> None:
    hello = statistics.median(r["hello"] for r in pages)
    page = statistics.median(r["report"] for r in pages)
    ratio = page / hello if hello else float("nan")
    per_page = {
        name: statistics.median(seconds / count for seconds, count in runs)
        for name, runs in pdfs.items()
    }
    pdf_ratio = per_page["survey"] / per_page["sprint"]
    print(f"\nSurvey report, {RESPONDENTS} respondents × 24 items; {server_bench.machine()}")
    print(f"  RoundReport in process (median of 5): {build_seconds * 1000:.0f} ms")
    print(f"  hello p95 {hello:.1f} ms, report page p95 {page:.1f} ms: {ratio:.2f}× hello")
    for name, runs in pdfs.items():
        seconds = statistics.median(s for s, _n in runs)
        print(
            f"  {name} PDF: {runs[0][1]} pages, {seconds:.2f} s, "
            f"{per_page[name] * 1000:.0f} ms per page"
        )
    print(f"  survey PDF per page ÷ sprint summary PDF per page: {pdf_ratio:.2f}")
    goals.record(
        "survey report page (2,000 × 24): p95 ÷ hello",
        f"{ratio:.2f}",
        f"≤ {PAGE_GOAL}×",
        ratio <= PAGE_GOAL,
    )
    goals.record(
        "survey report PDF: time per page ÷ sprint summary's",
        f"{pdf_ratio:.2f}",
        f"≤ {PDF_GOAL}×",
        pdf_ratio <= PDF_GOAL,
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--time-limit", type=float, default=600)
    args = parser.parse_args(argv)

    def out_of_time(_signum, _frame):
        raise SystemExit(f"stopped at the time limit of {args.time_limit:.0f} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.time_limit))
    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.sqlite"
        print("Building a round of 2,000 respondents and a 150-step sprint…", flush=True)
        ids = build(database_url)
        build_seconds = in_process_report(database_url, ids)
        print("The report page against hello…", flush=True)
        pages = measure_page(database_url, tmp, ids, args.rounds)
        print("The report's PDF against the sprint summary's…", flush=True)
        pdfs = measure_pdfs(database_url, ids, args.rounds)
    report(pages, pdfs, build_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
