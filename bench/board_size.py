"""The board's HTML size for the bench journey: 150 steps in 6 lanes with both emotions scored
on every step and 40 critical points, as the facilitator gets it (page and htmx fragment).

Run: .venv/bin/python bench/board_size.py   (a throwaway SQLite database; prints bytes)
"""

import sys
import tempfile
from pathlib import Path

from workshop import create_app
from workshop.accounts import services as accounts
from workshop.accounts.models import OrganisationKind
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.journey_templates import services as templates
from workshop.journeys import services as journeys
from workshop.journeys.models import JourneyKind

STEPS, POINTS = 150, 40
GOAL_BYTES = 250_000
PASSWORD = "bench-password-123"


def build(app) -> str:
    """The bench journey, made through the services; the board's path."""
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
            journeys.add_step(
                journey, user, stage.id, lane.id, f"Askel {n + 1}", "Kuvaus", None, n % 5 - 2, 1
            )
        steps = journeys.load_board(journey).steps
        for step in steps:
            step.emotion_student = 1 if step.emotion_student is None else step.emotion_student
            step.emotion_employer = -1 if step.emotion_employer is None else step.emotion_employer
        for n in range(POINTS):
            points.report_point(
                workspace,
                journey,
                user,
                points.NewPoint(
                    step=steps[(n * 37) % len(steps)],
                    title=f"Kriittinen kohta {n + 1}",
                    severity=1 + n % 3,
                    category="key:paperwork",
                    report=points.ReportData(
                        ReporterRole.EMPLOYER, employer.id, "Lainaus", "työpaja", None
                    ),
                ),
            )
        db.session.commit()
        return f"/w/{workspace.id}/journeys/{journey.id}/"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "board.db"
        # The login form is posted without its token here: only the board is measured.
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                "SECRET_KEY": "bench",
                "WTF_CSRF_ENABLED": False,
            }
        )
        path = build(app)
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.fi", "password": PASSWORD})
        page = client.get(path)
        fragment = client.get(path, headers={"HX-Request": "true"})
        with app.app_context():
            db.engine.dispose()
    if page.status_code != 200:
        print(f"the board answered {page.status_code}", file=sys.stderr)
        return 1
    print(f"board, {STEPS} steps, {POINTS} critical points: page {len(page.data):,} bytes, "
          f"htmx fragment {len(fragment.data):,} bytes (goal ≤ {GOAL_BYTES:,})")  # fmt: skip
    return 0 if len(page.data) <= GOAL_BYTES else 1


if __name__ == "__main__":
    sys.exit(main())
