"""Two app processes on one database serve one workshop: what is saved through one shows in
the other's next poll. Nothing lives in an app process, so a login made on one works on the other."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from tests.conftest import PASSWORD, ROOT, close_app, config_for_tests, fresh_app, template_journey
from workshop.accounts import services as accounts
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.live import services as live_sessions
from workshop.sprints import services as sprints


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_instance(database_url: str, port: int, log) -> subprocess.Popen:
    env = os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "shared-by-every-instance",
        "POLKU_HTMX_URL": "/static/vendor/htmx.min.js",
    }
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"),
            *("--worker-class", "gthread", "--workers", "1", "--threads", "4"),
            *("--keep-alive", "75", "workshop:create_app()"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_up(base: str, process: subprocess.Popen) -> None:
    # gunicorn accepts connections before its worker has imported the app, so on a busy
    # machine the first answers may time out: those count as "not up yet", like a refusal.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, "the app process ended"
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise AssertionError(f"{base} did not come up")


def form_of(html: bytes, selector: str) -> dict:
    form = BeautifulSoup(html, "html.parser").select_one(selector)
    return {i["name"]: i.get("value", "") for i in form.select("input[name]:not([type=radio])")}


@contextmanager
def two_instances(tmp_path):
    """The database `tmp_path`'s app was given, served by two gunicorn processes; their URLs."""
    database_url = config_for_tests(tmp_path)["SQLALCHEMY_DATABASE_URI"]
    with open(tmp_path / "instances.log", "wb") as log:
        ports = free_port(), free_port()
        processes = [start_instance(database_url, port, log) for port in ports]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        try:
            for base, process in zip(bases, processes, strict=True):
                wait_until_up(base, process)
            yield bases
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(10)


def workspace_with_journey(app):
    """A facilitator, a workspace and an apprenticeship journey, committed."""
    user = accounts.create_user("f@example.fi", "Fiia", PASSWORD, None, False)
    workspace = accounts.create_workspace(user, "Opisto")
    journey = template_journey(workspace, user, "Yhteinen polku", "fi")
    db.session.commit()
    return user, workspace, journey


def browser():
    """One browser: its cookies (127.0.0.1, whatever the port) go to both instances."""
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def poll(opener, url):
    return opener.open(urllib.request.Request(url, headers={"HX-Request": "true"}))


def test_an_edit_through_one_instance_shows_in_the_others_poll(tmp_path):
    app = fresh_app(tmp_path)
    with app.app_context():
        _user, workspace, journey = workspace_with_journey(app)
        board = journeys.load_board(journey)
        board_path = f"/w/{workspace.id}/journeys/{journey.id}/"
        add_path = f"{board_path}steps/new?stage={board.stages[0].id}&lane={board.lanes[0].id}"
    close_app(app)

    with two_instances(tmp_path) as (first, second):
        member = browser()
        login = form_of(member.open(first + "/login").read(), "#login-form")
        login |= {"email": "f@example.fi", "password": PASSWORD}
        member.open(first + "/login", data=urlencode(login).encode())

        # The second instance knows the session the first one made, and says where to poll.
        watched = BeautifulSoup(member.open(second + board_path).read(), "html.parser")
        poll_path = watched.select_one("[data-live-board]")["data-hx-get"]
        try:
            poll(member, second + poll_path)
            raise AssertionError("an unchanged journey should answer 304")
        except urllib.error.HTTPError as answer:
            assert answer.code == 304

        step_form = form_of(member.open(first + add_path).read(), "form.step-form")
        step_form |= {"title": "Tallennettu ensimmäisessä", "description": ""}
        saved = member.open(first + add_path, data=urlencode(step_form).encode())
        assert saved.status == 200  # followed the 303 back to the board

        changed = poll(member, second + poll_path)
        assert changed.status == 200
        assert "Tallennettu ensimmäisessä" in changed.read().decode()


def test_a_live_session_served_by_two_instances(tmp_path):
    app = fresh_app(tmp_path)
    with app.app_context():
        user, workspace, journey = workspace_with_journey(app)
        sprint = sprints.create_sprint(
            workspace, user, sprints.SprintData("Työpaja", "", None, None, [], [journey.id])
        )
        sprints.start_sprint(sprint)
        live = live_sessions.start_session(sprint, journey, user, hours=2)
        step_id = journeys.load_board(journey).steps[0].id
        code, live_id = live.join_code, live.id
        db.session.commit()
    close_app(app)

    with two_instances(tmp_path) as (first, second):
        phone = browser()
        joining = form_of(phone.open(first + f"/j/{code}").read(), "form")
        joining |= {"display_name": "Eija", "role": "employer"}
        joined = phone.open(first + f"/j/{code}", data=urlencode(joining).encode()).read()
        page = BeautifulSoup(joined, "html.parser")
        poll_path = page.select_one("[data-live-poll]")["data-hx-get"]

        # Sent through the second instance, seen in the first one's poll.
        report = form_of(joined, "#point-form")
        report |= {"point-step": step_id, "point-text": "Toisen koneen kautta", "point-severity": 2}
        sent = phone.open(second + f"/live/{live_id}/points", data=urlencode(report).encode())
        assert sent.status == 200  # followed the 303 back to the phone view

        changed = poll(phone, first + poll_path)
        assert changed.status == 200
        assert "Toisen koneen kautta" in changed.read().decode()
