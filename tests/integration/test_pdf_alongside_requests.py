"""A PDF being made does not hold up anyone else: the render runs in its own process while the
app's threads keep answering."""

import threading
import urllib.request
from http.cookiejar import CookieJar

from werkzeug.serving import make_server

from tests.conftest import PASSWORD, close_app, fresh_app, template_journey
from workshop.accounts import services as accounts
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.sprints import services as sprints


def test_other_requests_are_answered_while_a_pdf_is_made(tmp_path):
    app = fresh_app(tmp_path, SERVER_NAME=None)
    with app.app_context():
        user = accounts.create_user("f@example.fi", "Fiia", PASSWORD, None, False)
        workspace = accounts.create_workspace(user, "Opisto")
        journey = template_journey(workspace, user, "Pitkä polku", "fi")
        board = journeys.load_board(journey)
        # A few hundred steps make a render that takes a while on any machine.
        for n in range(300):
            stage, lane = board.stages[n % 6], board.lanes[n % 5]
            journeys.add_step(journey, user, stage.id, lane.id, f"Askel {n}")
        sprint = sprints.create_sprint(
            workspace, user, sprints.SprintData("Iso sprintti", "", None, None, [], [journey.id])
        )
        db.session.commit()
        pdf_path = f"/w/{workspace.id}/sprints/{sprint.id}/summary.pdf"

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        opener.open(base + "/login", data=f"email=f@example.fi&password={PASSWORD}".encode())
        events: list[str] = []
        result = {}

        def download():
            result["pdf"] = opener.open(base + pdf_path, timeout=120).read()
            events.append("pdf")

        downloading = threading.Thread(target=download)
        downloading.start()
        answered = 0
        while downloading.is_alive() and answered < 200:
            with urllib.request.urlopen(base + "/healthz", timeout=10) as response:
                assert response.status == 200
            if downloading.is_alive():
                answered += 1
        downloading.join(120)
        # The health checks came back while the PDF was still being made.
        assert answered >= 3, answered
        assert events == ["pdf"] and result["pdf"].startswith(b"%PDF")
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        close_app(app)
