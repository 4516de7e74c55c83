"""Polku served for real (gunicorn, gthread workers, keep-alive longer than the poll interval) on
127.0.0.1 and measured from a bounded load generator in this process.

    .venv/bin/python bench/server_bench.py [--rounds 3] [--time-limit 600]

1. Request latency, in interleaved rounds, for a trivial "hello" route of the same app, the board
   of a 150-step journey with 40 critical points, and the board's poll ("changed since N?",
   answered 304 while nothing changed): p95 of each, and board and poll as ratios to hello.
2. A workshop: 60, then 150 people watching the board (each polls every 2 s with If-None-Match
   and fetches the board when it changed) while 60 steps are added in a burst: errors, and the
   p95 of polls and of board fetches.

Every figure comes from this run on this machine; nothing here is a pass/fail test.
"""

import argparse
import http.client
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workshop import create_app  # noqa: E402
from workshop.accounts import services as accounts  # noqa: E402
from workshop.accounts.models import OrganisationKind  # noqa: E402
from workshop.critical_points import services as points  # noqa: E402
from workshop.critical_points.models import ReporterRole  # noqa: E402
from workshop.extensions import db  # noqa: E402
from workshop.journey_templates import services as templates  # noqa: E402
from workshop.journeys import services as journeys  # noqa: E402
from workshop.journeys.models import JourneyKind  # noqa: E402

PASSWORD = "bench-password-123"
STEPS, POINTS = 150, 40
POLL_INTERVAL = 2.0
WRITES = 60
GOALS = {"board": 5.0, "poll": 2.0}  # p95 ratio to hello
SIMULATION_GOAL_MS = 100


# --- the data ----------------------------------------------------------------------------------


def build(database_url: str) -> dict:
    """A workspace with a 150-step journey and 40 critical points, made through the services."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        user = accounts.create_user("bench@example.fi", "Fasilitaattori", PASSWORD)
        workspace = accounts.create_workspace(user, "Vertailu")
        employer = accounts.add_organisation(workspace, "Rakennus Oy", OrganisationKind.EMPLOYER)
        journey = journeys.create_journey(
            workspace,
            user,
            "Oppisopimus",
            JourneyKind.APPRENTICESHIP,
            "fi",
            template=templates.get_template("apprenticeship"),
        )
        board = journeys.load_board(journey)
        for n in range(STEPS - len(board.steps)):
            stage, lane = board.stages[n % len(board.stages)], board.lanes[n % len(board.lanes)]
            journeys.add_step(journey, user, stage.id, lane.id, f"Askel {n + 1}", "Kuvaus")
        steps = journeys.load_board(journey).steps
        for n in range(POINTS):
            points.report_point(
                workspace,
                journey,
                steps[(n * 37) % len(steps)],
                user,
                f"Kriittinen kohta {n + 1}",
                "",
                1 + n % 3,
                "key:paperwork",
                points.ReportData(ReporterRole.EMPLOYER, employer.id, "Lainaus", "työpaja", None),
            )
        db.session.commit()
        board = journeys.load_board(journey)
        ids = {
            "board": f"/w/{workspace.id}/journeys/{journey.id}/",
            "changes": f"/w/{workspace.id}/journeys/{journey.id}/changes",
            "add": (
                f"/w/{workspace.id}/journeys/{journey.id}/steps/new"
                f"?stage={board.stages[0].id}&lane={board.lanes[0].id}"
            ),
        }
        db.session.remove()
        db.engine.dispose()
    return ids


# --- the server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(database_url: str, port: int, log) -> subprocess.Popen:
    """gunicorn with the project's settings (gthread workers, 75 s keep-alive)."""
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench",
        "POLKU_HTMX_URL": "/static/vendor/htmx.min.js",
        "POLKU_BIND": f"127.0.0.1:{port}",
        "POLKU_LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
         "--access-logfile", "/dev/null", "bench.bench_app:create()"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server did not start; see its log")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not come up in 30 s")


def log_in(port: int, paths: dict) -> tuple[str, str, dict]:
    """A session cookie, the poll's current version and the add-step form's fields."""
    jar = CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    base = f"http://127.0.0.1:{port}"
    page = BeautifulSoup(browser.open(base + "/login").read(), "html.parser")
    form = {i["name"]: i.get("value", "") for i in page.select("#login-form input[name]")}
    form |= {"email": "bench@example.fi", "password": PASSWORD}
    browser.open(base + "/login", data=urlencode(form).encode())
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    board = BeautifulSoup(browser.open(base + paths["board"]).read(), "html.parser")
    since = board.select_one("[data-live-board]")["hx-get"].rsplit("since=", 1)[1]
    add = BeautifulSoup(browser.open(base + paths["add"]).read(), "html.parser")
    fields = {i["name"]: i.get("value", "") for i in add.select("form.step-form input[name]")}
    for select in add.select("form.step-form select[name]"):
        chosen = select.select_one("option[selected]") or select.select_one("option")
        fields[select["name"]] = chosen.get("value", "")
    return cookie, since, fields


# --- the load generator ------------------------------------------------------------------------


class Client:
    """One keep-alive connection, as one browser tab would hold."""

    def __init__(self, port: int, cookie: str):
        self.port, self.cookie = port, cookie
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method, path, body=None, headers=None) -> tuple[int, dict, float]:
        headers = {"Cookie": self.cookie, **(headers or {})}
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = response_of(self.connection)
        except (http.client.HTTPException, OSError):
            # A connection the server closed: open a new one, as a browser would, once.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.connection.request(method, path, body=body, headers=headers)
            response = response_of(self.connection)
        return response[0], response[1], (time.perf_counter() - started) * 1000

    def close(self):
        self.connection.close()


def response_of(connection) -> tuple[int, dict]:
    response = connection.getresponse()
    response.read()
    return response.status, dict(response.getheaders())


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else 0.0


def latency_round(port, cookie, paths, since, per_target=150, clients=4) -> dict[str, float]:
    """p95 in ms of each target, requests from a few keep-alive clients at once."""
    targets = {
        "hello": ("/bench/hello", {}),
        "board": (paths["board"], {}),
        "poll": (f"{paths['changes']}?since={since}", {"HX-Request": "true"}),
    }
    result = {}
    for name, (path, headers) in random.sample(list(targets.items()), len(targets)):
        times: list[float] = []
        lock = threading.Lock()

        def run(path=path, headers=headers, times=times, lock=lock):
            client = Client(port, cookie)
            mine = [client.request("GET", path, headers=headers) for _ in range(per_target)]
            client.close()
            with lock:
                times.extend(ms for status, _h, ms in mine if status in (200, 304))

        threads = [threading.Thread(target=run) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        result[name] = p95(times)
    return result


def simulate(port, cookie, paths, since, fields, people: int, seconds: float) -> dict:
    """People watching the board while a burst of steps is added; counts and p95s."""
    stop = threading.Event()
    lock = threading.Lock()
    polls, fetches, errors, writes = [], [], [], []

    def watcher():
        client = Client(port, cookie)
        etag, version = None, since
        time.sleep(random.uniform(0, POLL_INTERVAL))
        while not stop.is_set():
            started = time.monotonic()
            try:
                headers = {"HX-Request": "true"} | ({"If-None-Match": etag} if etag else {})
                status, got, ms = client.request(
                    "GET", f"{paths['changes']}?since={version}", headers=headers
                )
                with lock:
                    polls.append(ms)
                if status == 200:
                    etag = got.get("ETag")
                    version = etag.strip('"').rsplit("-", 1)[1]
                    status, _got, ms = client.request("GET", paths["board"])
                    with lock:
                        fetches.append(ms)
                if status not in (200, 304):
                    with lock:
                        errors.append(status)
            except Exception as error:  # noqa: BLE001 - every failure counts as an error
                with lock:
                    errors.append(repr(error))
            stop.wait(max(0.0, POLL_INTERVAL - (time.monotonic() - started)))
        client.close()

    def writer(numbers):
        client = Client(port, cookie)
        for n in numbers:
            body = urlencode(fields | {"title": f"Työpajassa lisätty {n}"})
            try:
                status, _got, ms = client.request(
                    "POST", paths["add"], body=body,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )  # fmt: skip
                with lock:
                    writes.append(ms)
                    if status != 303:
                        errors.append(f"write {status}")
            except Exception as error:  # noqa: BLE001
                with lock:
                    errors.append(repr(error))
        client.close()

    watchers = [threading.Thread(target=watcher, daemon=True) for _ in range(people)]
    for thread in watchers:
        thread.start()
    time.sleep(seconds / 3)
    # The burst: 60 steps from 6 people at once, as when the room adds what it found.
    writers = [threading.Thread(target=writer, args=(range(k, WRITES, 6),)) for k in range(6)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(60)
    time.sleep(seconds * 2 / 3)
    stop.set()
    for thread in watchers:
        thread.join(10)
    return {
        "people": people,
        "polls": len(polls),
        "poll_p95": p95(polls),
        "fetches": len(fetches),
        "fetch_p95": p95(fetches),
        "writes": len(writes),
        "write_p95": p95(writes),
        "errors": errors,
    }


# --- the report --------------------------------------------------------------------------------


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    workers, threads = os.environ.get("POLKU_WORKERS", "2"), os.environ.get("POLKU_THREADS", "8")
    return (
        f"{cores} cores, {platform.system()} {platform.machine()}, Python "
        f"{platform.python_version()}; gunicorn gthread, {workers} workers × {threads} threads, "
        f"SQLite (WAL); load generator in the same machine"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20, help="length of each simulation")
    parser.add_argument("--time-limit", type=float, default=600)
    args = parser.parse_args(argv)

    def out_of_time(_signum, _frame):
        raise SystemExit(f"stopped at the time limit of {args.time_limit:.0f} s")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.time_limit))

    with tempfile.TemporaryDirectory() as tmp:
        database_url = f"sqlite:///{tmp}/bench.sqlite"
        print("Building a 150-step journey with 40 critical points…", flush=True)
        paths = build(database_url)
        port = free_port()
        with open(Path(tmp) / "server.log", "wb") as log:
            server = serve(database_url, port, log)
            try:
                wait_until_up(port, server)
                cookie, since, fields = log_in(port, paths)
                latency_round(port, cookie, paths, since, per_target=30)  # warm up
                rounds = [latency_round(port, cookie, paths, since) for _ in range(args.rounds)]
                sims = [
                    simulate(port, cookie, paths, since, fields, people, args.seconds)
                    for people in (60, 150)
                ]
            finally:
                server.send_signal(signal.SIGTERM)
                server.wait(30)
    report(rounds, sims)
    return 0


def report(rounds: list[dict], sims: list[dict]) -> None:
    med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    print(f"\nPolku served by gunicorn on 127.0.0.1 — median of {len(rounds)} interleaved rounds")
    print(f"Machine: {machine()}\n")
    print(f"{'':44}{'p95 ms':>10}{'÷ hello':>10}{'goal':>10}")
    print(f"{'hello (the framework floor)':44}{med['hello']:>10.1f}{1:>10.2f}")
    for name, label in (("board", "board, 150 steps, 40 critical points"),
                        ("poll", "poll, unchanged (304)")):  # fmt: skip
        ratio = med[name] / med["hello"] if med["hello"] else float("nan")
        verdict = "met" if ratio <= GOALS[name] else "MISSED"
        print(
            f"{label:44}{med[name]:>10.1f}{ratio:>10.2f}{'≤ ' + str(GOALS[name]) + '×':>8} {verdict}"
        )
    print("\nWorkshop: people watching the board (poll every 2 s, fetch on change), 60 steps added")
    print(f"{'people':>8}{'polls':>8}{'poll p95':>10}{'fetches':>9}{'fetch p95':>11}"
          f"{'writes':>8}{'write p95':>11}{'errors':>8}   goal: 0 errors, poll p95 ≤ 100 ms")  # fmt: skip
    for s in sims:
        met = not s["errors"] and s["poll_p95"] <= SIMULATION_GOAL_MS
        print(
            f"{s['people']:>8}{s['polls']:>8}{s['poll_p95']:>8.1f}ms{s['fetches']:>9}"
            f"{s['fetch_p95']:>9.1f}ms{s['writes']:>8}{s['write_p95']:>9.1f}ms"
            f"{len(s['errors']):>8}   {'met' if met else 'MISSED'}"
        )
        if s["errors"]:
            print(f"{'':8}first errors: {s['errors'][:3]}")


if __name__ == "__main__":
    sys.exit(main())
