"""Lighthouse's accessibility and best-practices scores of Polku's main pages (`make lighthouse`).

    python scripts/lighthouse.py [--cdn] [--only ENDPOINT ...] [--keep DIR]

Serves the app with the demo's content on a database of its own (instance/ is not touched), as
a room without internet would (htmx from static/vendor/; --cdn loads it from its CDN as the
default settings do, which fails offline), logs in as the demo facilitator and joins the live
session as a phone, then runs Lighthouse (pinned, from the npm registry into .checkers/) with
Debian's Chromium on each page and prints a table of scores and every audit short of full marks.
Exits 1 when a page scores below 100. Not part of `make test`: a page takes 10-20 s. Error pages
are left out (Lighthouse scores only pages that answer 200); the Nu HTML Checker test covers them.
"""

import argparse
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from workshop import create_app, demo  # noqa: E402
from workshop.accounts import services as accounts  # noqa: E402
from workshop.config import HTMX_CDN_URL  # noqa: E402
from workshop.critical_points.models import CriticalPoint  # noqa: E402
from workshop.extensions import db  # noqa: E402
from workshop.journeys import services as journeys  # noqa: E402
from workshop.sprints import services as sprints  # noqa: E402

LIGHTHOUSE_VERSION = "12.2.3"  # 13 wants Node 22; Debian 12 has Node 20
CHECKERS = ROOT / ".checkers"
LIGHTHOUSE = CHECKERS / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("accessibility", "best-practices")
CHROMIUM = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


def install_lighthouse() -> None:
    """The pinned Lighthouse into .checkers/ (once)."""
    if LIGHTHOUSE.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is not installed (Debian/Ubuntu: apt-get install npm)")
    subprocess.run(
        [
            npm,
            "install",
            "--prefix",
            str(CHECKERS),
            "--save-exact",
            "--no-audit",
            "--no-fund",
            "--silent",
            f"lighthouse@{LIGHTHOUSE_VERSION}",
        ],
        check=True,
    )


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def build(folder: Path, cdn: bool):
    """The app on a fresh database with the demo, and who is who in it."""
    app = create_app(
        {
            "SECRET_KEY": os.urandom(16).hex(),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'lighthouse.sqlite'}",
            "HTMX_URL": HTMX_CDN_URL if cdn else "/static/vendor/htmx.min.js",
            "SERVER_NAME": None,
        }
    )
    with app.app_context():
        db.create_all()
        email, password = demo.load_demo(folder)
        live = demo.demo_live_session()
        db.session.commit()
        sprint, journey = live.sprint, live.journey
        facilitator = accounts.get_user_by_email(email)
        board = journeys.load_board(journey)
        step = board.steps[6]
        points = journeys_points(journey)
        _link, share_token = sprints.create_share_link(sprint, facilitator, "Kumppanit", None)
        db.session.commit()
        w, j, s = sprint.workspace_id, journey.id, sprint.id
        pages = {
            "front page": "/",
            "workspace": f"/w/{w}/",
            "journeys": f"/w/{w}/journeys/",
            "board": f"/w/{w}/journeys/{j}/",
            "structure": f"/w/{w}/journeys/{j}/structure",
            "step edit": f"/w/{w}/journeys/{j}/steps/{step.id}/edit",
            "points": f"/w/{w}/journeys/{j}/points/",
            "point": f"/w/{w}/journeys/{j}/points/{points[0]}" if points else None,
            "step points": f"/w/{w}/journeys/{j}/steps/{step.id}/points",
            "insights": f"/w/{w}/insights",
            "categories": f"/w/{w}/categories",
            "sprints": f"/w/{w}/sprints/",
            "sprint": f"/w/{w}/sprints/{s}",
            "sprint form": f"/w/{w}/sprints/new",
            "summary": f"/w/{w}/sprints/{s}/summary",
            "console": f"/w/{w}/sprints/{s}/live/",
            "projector": f"/w/{w}/sprints/{s}/live/{live.id}/projector",
            "people": f"/w/{w}/people",
            "templates": "/templates/",
            "import": f"/w/{w}/export/journeys/import",
        }
        guest_pages = {"phone": f"/live/{live.id}/"}
        visitor_pages = {
            "login": "/login",
            "join": f"/j/{live.join_code}",
            "enter code": "/j/",
            "shared summary": f"/shared/{share_token}",
        }
        code = live.join_code
    facilitator_client = app.test_client()
    login_page = facilitator_client.get("/login").text
    answer = facilitator_client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(login_page)},
    )
    assert answer.status_code == 303, "the demo login failed"
    guest_client = app.test_client()
    join_page = guest_client.get(f"/j/{code}").text
    joined = guest_client.post(
        f"/j/{code}",
        data={
            "display_name": "Lighthouse",
            "role": "employer",
            "csrf_token": csrf_token(join_page),
        },
    )
    assert joined.status_code == 303, "joining the demo session failed"
    cookies = {
        "facilitator": cookie_header(facilitator_client),
        "guest": cookie_header(guest_client),
        "visitor": "",
    }
    visits = (
        [(name, url, "facilitator") for name, url in pages.items() if url]
        + [(name, url, "guest") for name, url in guest_pages.items()]
        + [(name, url, "visitor") for name, url in visitor_pages.items()]
    )
    return app, visits, cookies


def journeys_points(journey) -> list[int]:
    query = select(CriticalPoint.id).where(CriticalPoint.journey_id == journey.id)
    return list(db.session.scalars(query.order_by(CriticalPoint.id)))


def cookie_header(client) -> str:
    return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())


def run_lighthouse(url: str, cookie: str, folder: Path, name: str) -> dict:
    headers = folder / f"{name}-headers.json"
    headers.write_text(json.dumps({"Cookie": cookie} if cookie else {}))
    report = folder / f"{name}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--preset=desktop",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
        f"--extra-headers={headers}",
        "--output=json",
        f"--output-path={report}",
    ]
    subprocess.run(
        command,
        check=False,
        capture_output=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
    )
    return json.loads(report.read_text())


def shortfalls(result: dict) -> list[str]:
    """Audits of the two categories short of full marks, with what they found."""
    found = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                items = (audit.get("details") or {}).get("items") or []
                where = "; ".join(
                    str(
                        (i.get("node") or {}).get("snippet")
                        or i.get("description")
                        or i.get("source")
                        or i
                    )[:140]
                    for i in items[:3]
                )
                found.append(f"{category}/{ref['id']}: {audit['title']} — {where}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cdn", action="store_true", help="load htmx from its CDN (default: local)"
    )
    parser.add_argument("--only", nargs="*", help="page names to check (default: all)")
    parser.add_argument("--keep", help="keep the Lighthouse reports in this folder")
    args = parser.parse_args(argv)
    install_lighthouse()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    folder = Path(args.keep or tempfile.mkdtemp(prefix="polku-lighthouse-"))
    folder.mkdir(parents=True, exist_ok=True)
    app, visits, cookies = build(folder, args.cdn)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    rows, below = [], 0
    try:
        for name, url, who in visits:
            if args.only and name not in args.only:
                continue
            result = run_lighthouse(base + url, cookies[who], folder, name.replace(" ", "-"))
            scores = [result["categories"][c]["score"] for c in CATEGORIES]
            marks = [round(100 * s) if s is not None else "–" for s in scores]
            rows.append((name, who, *marks))
            problems = shortfalls(result)
            below += any(s is None or s < 1 for s in scores)
            print(f"{name:16} {who:11} " + "  ".join(f"{m:>3}" for m in marks), flush=True)
            for problem in problems:
                print(f"    {problem}", flush=True)
    finally:
        server.shutdown()
        thread.join(5)
        app.extensions["polku_pdf"].close()
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n| page | as | {' | '.join(CATEGORIES)} |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row) + " |")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
