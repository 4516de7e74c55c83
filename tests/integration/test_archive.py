"""Moving a workspace: the archive carries everything, reads back the same, and refuses bad files.

One app with the demo content serves the module (loading it renders PDFs, which is slow); each
test imports into it or into a database of its own, never changing what another test reads.
"""

import io
import json
import re
import zipfile

import pytest
from alembic.script import ScriptDirectory
from bs4 import BeautifulSoup
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from tests.conftest import PASSWORD, ROOT, close_app, fresh_app
from workshop import demo
from workshop.accounts import services as accounts
from workshop.accounts.models import Membership, Role, User, Workspace
from workshop.archive import reading, services
from workshop.audit.models import Action, AuditEvent
from workshop.critical_points.models import CriticalPoint
from workshop.extensions import db
from workshop.journeys.models import Journey
from workshop.sprints.models import Snapshot, Sprint


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The demo workspace with its running live session, and the facilitator's login."""
    tmp = tmp_path_factory.mktemp("archive")
    app = fresh_app(tmp)
    with app.app_context():
        email, password = demo.load_demo(tmp / "instance")
        demo.demo_live_session()
        db.session.commit()
        workspace_id = db.session.scalar(
            select(Workspace.id).where(Workspace.name == demo.DEMO_WORKSPACE)
        )
    yield app, email, password, workspace_id
    close_app(app)


def _client(app, email, password):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 303
    return client


def _download(client, workspace_id, remove_names=False) -> bytes:
    data = {"remove_names": "y"} if remove_names else {}
    response = client.post(f"/w/{workspace_id}/archive", data=data)
    assert response.status_code == 200, response.text
    assert response.mimetype == "application/zip"
    assert ".polku.zip" in response.headers["Content-Disposition"]
    return response.data


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _data_of(data: bytes) -> dict[str, bytes]:
    """Everything but the manifest, whose time differs; the manifest's counts are compared."""
    members = _members(data)
    manifest = json.loads(members.pop(services.MANIFEST))
    members["counts"] = json.dumps(manifest["counts"], sort_keys=True).encode()
    return members


def _import(client, data: bytes, filename="polku.zip"):
    return client.post(
        "/workspaces/import",
        data={"file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
        headers={"Accept-Language": "fi"},
    )


def _state() -> list[int]:
    """Row counts of every table: an import that wrote anything changes one."""
    counts = [
        db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables
    ]
    db.session.rollback()
    return counts


def _page_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    main = BeautifulSoup(response.text, "html.parser").find("main")
    return " ".join(main.get_text(" ").split())


def _new_workspace_id(response) -> int:
    assert response.status_code == 303, response.text
    return int(re.search(r"/w/(\d+)/", response.headers["Location"]).group(1))


def test_an_archive_imported_and_exported_again_holds_the_same_data(world):
    app, email, password, workspace_id = world
    client = _client(app, email, password)
    first = _download(client, workspace_id)
    counts = json.loads(_members(first)[services.MANIFEST])["counts"]
    # The rich parts of the demo are all in it.
    for table in (
        "journey",
        "step",
        "critical_point",
        "report",
        "vote",
        "sprint_snapshot",
        "live_entry",
        "live_dot",
        "survey_answer",
        "sparring_capture",
        "follow_up",
    ):
        assert counts[table] > 0, table
    response = _import(client, first)
    new_id = _new_workspace_id(response)
    assert "tuotu" in client.get(response.headers["Location"]).text
    second = _download(client, new_id)
    assert _data_of(second) == _data_of(first)

    # The board, the ranked points and the frozen sprint summary read the same.
    with app.app_context():
        old_journey, new_journey = (
            db.session.scalar(
                select(Journey.id).where(Journey.workspace_id == w).order_by(Journey.id)
            )
            for w in (workspace_id, new_id)
        )
        old_sprint, new_sprint = (
            db.session.scalar(
                select(Sprint.id)
                .join(Snapshot, Snapshot.sprint_id == Sprint.id)
                .where(Sprint.workspace_id == w)
            )
            for w in (workspace_id, new_id)
        )
    for old, new in (
        (f"/w/{workspace_id}/journeys/{old_journey}/", f"/w/{new_id}/journeys/{new_journey}/"),
        (
            f"/w/{workspace_id}/journeys/{old_journey}/points/",
            f"/w/{new_id}/journeys/{new_journey}/points/",
        ),
        (
            f"/w/{workspace_id}/sprints/{old_sprint}/summary",
            f"/w/{new_id}/sprints/{new_sprint}/summary",
        ),
    ):
        assert _page_text(client, new) == _page_text(client, old)


def test_an_archive_moves_to_a_fresh_site_and_back_unchanged(world, tmp_path):
    app, email, password, workspace_id = world
    first = _download(_client(app, email, password), workspace_id)
    other = fresh_app(tmp_path)
    try:
        with other.app_context():
            people = json.loads(_members(first)[services.PEOPLE])
            name = next(p["name"] for p in people if p["email"] == email)
            owner = accounts.create_user(email, name, PASSWORD, None, True)
            made = reading.import_archive(first, owner, match_accounts=True)
            db.session.commit()
            again = services.export_workspace(made.workspace, remove_names=False)
            # People who had no account here got one they cannot sign in to with a password yet.
            pekka = accounts.get_user_by_email("pekka.kivijalka@polku.example")
            assert pekka is not None and pekka.name == "Pekka Kivijalka"
            assert not check_password_hash(pekka.password_hash, PASSWORD)
        assert _data_of(again.data) == _data_of(first)
    finally:
        close_app(other)


def test_an_archive_without_names_holds_none_of_them(world):
    app, email, password, workspace_id = world
    client = _client(app, email, password)
    data = _download(client, workspace_id, remove_names=True)
    with app.app_context():
        names, emails = set(), set()
        for member in db.session.scalars(
            select(Membership).where(Membership.workspace_id == workspace_id)
        ):
            names.add(member.user.name)
            emails.add(member.user.email)
        from workshop.live.models import Guest
        from workshop.sparring.models import Sparrer

        names |= set(db.session.scalars(select(Guest.display_name)))
        names |= set(db.session.scalars(select(Sparrer.name)))
        emails |= {e for e in db.session.scalars(select(Sparrer.email)) if e}
        db.session.rollback()
    raw = b"".join(_members(data).values()).decode("utf-8").casefold()
    found = [n for n in names | emails if n.strip() and n.casefold() in raw]
    assert not found
    manifest = json.loads(_members(data)[services.MANIFEST])
    assert manifest["names_removed"] is True
    assert "Henkilö 1" in _members(data)[services.PEOPLE].decode("utf-8") or "Person 1" in (
        _members(data)[services.PEOPLE].decode("utf-8")
    )
    # And it imports: placeholder accounts keep the votes apart, so the ranking holds.
    response = _import(client, data)
    new_id = _new_workspace_id(response)
    with app.app_context():
        points = db.session.scalar(
            select(func.count(CriticalPoint.id)).join(Journey).where(Journey.workspace_id == new_id)
        )
        assert points == manifest["counts"]["critical_point"]


def test_exporting_is_recorded_in_the_audit_log_without_names(world):
    app, email, password, workspace_id = world
    client = _client(app, email, password)
    _download(client, workspace_id, remove_names=True)
    with app.app_context():
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == Action.EXPORT)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.workspace_id == workspace_id and event.object_type == "workspace"
        assert "names removed" in event.detail
        db.session.rollback()


def test_only_the_workspaces_facilitators_export_it(world):
    app, email, password, workspace_id = world
    with app.app_context():
        stranger = accounts.create_user("stranger@example.fi", "Vieras", PASSWORD, None, False)
        other = accounts.create_workspace(stranger, "Toinen")
        participant = accounts.get_user_by_email("pekka.kivijalka@polku.example")
        accounts.set_password(participant, PASSWORD)
        db.session.commit()
        other_id = other.id
    stranger_client = _client(app, "stranger@example.fi", PASSWORD)
    assert stranger_client.get(f"/w/{workspace_id}/archive").status_code == 404
    assert stranger_client.post(f"/w/{workspace_id}/archive").status_code == 404
    participant_client = _client(app, "pekka.kivijalka@polku.example", PASSWORD)
    assert participant_client.post(f"/w/{workspace_id}/archive").status_code == 403
    assert stranger_client.get(f"/w/{other_id}/archive").status_code == 200


def _rewritten(data: bytes, name: str, change) -> bytes:
    members = _members(data)
    members[name] = change(members[name])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, body in members.items():
            archive.writestr(member, body)
    return buffer.getvalue()


def _json_change(edit):
    def change(body: bytes) -> bytes:
        value = json.loads(body)
        edit(value)
        return json.dumps(value).encode("utf-8")

    return change


def _set_cell(table_value: dict, column: str, value, row: int = 0):
    table_value["rows"][row][table_value["columns"].index(column)] = value


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(services.MANIFEST, b"{" + b" " * (reading.MAX_MEMBER_BYTES + 10) + b"}")
    return buffer.getvalue()


def _many_members() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(reading.MAX_MEMBERS + 1):
            archive.writestr(f"x{n}", b"")
    return buffer.getvalue()


def test_each_bad_archive_is_refused_in_finnish_and_changes_nothing(world):
    app, email, password, workspace_id = world
    client = _client(app, email, password)
    good = _download(client, workspace_id)
    manifest = services.MANIFEST
    tables_step = f"{services.TABLES_DIR}step.json"
    tables_point = f"{services.TABLES_DIR}critical_point.json"
    bad = {
        "empty": b"",
        "garbage": b"not a zip at all",
        "truncated": good[: len(good) // 2],
        "zip bomb": _bomb(),
        "too many members": _many_members(),
        "no manifest": _without(good, manifest),
        "broken manifest": _rewritten(good, manifest, lambda b: b"{broken"),
        "foreign format": _rewritten(good, manifest, _json_change(lambda m: m.update(format="x"))),
        "newer version": _rewritten(
            good, manifest, _json_change(lambda m: m.update(format_version=99))
        ),
        "newer schema": _rewritten(
            good, manifest, _json_change(lambda m: m.update(schema_revision="9999_newer"))
        ),
        "wrong counts": _rewritten(
            good, manifest, _json_change(lambda m: m["counts"].update(step=1))
        ),
        "missing reference": _rewritten(
            good, tables_point, _json_change(lambda t: _set_cell(t, "step_id", 99999))
        ),
        "unknown person": _rewritten(
            good, tables_point, _json_change(lambda t: _set_cell(t, "created_by_id", 99999))
        ),
        "wrong type": _rewritten(
            good, tables_point, _json_change(lambda t: _set_cell(t, "severity", "kova"))
        ),
        "huge number": _rewritten(
            good, tables_point, _json_change(lambda t: _set_cell(t, "severity", 10**30))
        ),
        "NUL byte": _rewritten(
            good, tables_step, _json_change(lambda t: _set_cell(t, "title", "Nolla\x00merkki"))
        ),
        "lone surrogate": _rewritten(
            good, tables_step, _json_change(lambda t: _set_cell(t, "title", "Puoli\ud800"))
        ),
        "bad date": _rewritten(
            good, tables_point, _json_change(lambda t: _set_cell(t, "created_at", "eilen"))
        ),
        "unknown enum": _rewritten(
            good, tables_point, _json_change(lambda t: _set_cell(t, "status", "hacked"))
        ),
        "two rows one id": _rewritten(
            good, tables_step, _json_change(lambda t: _set_cell(t, "id", 1, row=1))
        ),
        "too long": _rewritten(
            good, tables_step, _json_change(lambda t: _set_cell(t, "title", "x" * 100_000))
        ),
        "deep nesting": _rewritten(good, services.PEOPLE, lambda b: b"[" * 100_000),
        "broken people": _rewritten(good, services.PEOPLE, lambda b: b'[{"key": "x"}]'),
        "extra file": _with(good, "tables/secret.json", b"{}"),
        "missing column": _rewritten(good, tables_step, _json_change(lambda t: t["columns"].pop())),
    }
    with app.app_context():
        before = _state()
    failures = []
    for what, data in bad.items():
        response = _import(client, data)
        if response.status_code != 422 or "Mitään ei tuotu" not in response.text:
            failures.append(f"{what}: {response.status_code}")
        with app.app_context():
            if _state() != before:
                failures.append(f"{what}: changed the database")
    assert not failures, "\n".join(failures)


def _without(data: bytes, name: str) -> bytes:
    members = _members(data)
    members.pop(name)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, body in members.items():
            archive.writestr(member, body)
    return buffer.getvalue()


def _with(data: bytes, name: str, body: bytes) -> bytes:
    members = _members(data)
    members[name] = body
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)
    return buffer.getvalue()


def test_text_with_markup_is_kept_as_text_and_escaped(world):
    app, email, password, workspace_id = world
    client = _client(app, email, password)
    good = _download(client, workspace_id)
    script = "<script>alert(1)</script>"
    data = _rewritten(
        good,
        f"{services.TABLES_DIR}workspace.json",
        _json_change(lambda t: _set_cell(t, "name", script)),
    )
    new_id = _new_workspace_id(_import(client, data))
    page = client.get(f"/w/{new_id}/").text
    assert script not in page and "&lt;script&gt;" in page


def test_someone_who_may_not_create_workspaces_cannot_import(world):
    app, email, password, workspace_id = world
    with app.app_context():
        accounts.create_user("lonely@example.fi", "Yksin", PASSWORD, None, False)
        db.session.commit()
    client = _client(app, "lonely@example.fi", PASSWORD)
    good = _download(_client(app, email, password), workspace_id)
    with app.app_context():
        before = _state()
    response = _import(client, good)
    assert response.status_code == 302
    with app.app_context():
        assert _state() == before


def test_a_facilitator_who_is_no_administrator_imports_without_touching_others_accounts(world):
    # Anyone who facilitates somewhere may import, and anyone may write an archive: it must not
    # make an existing account a member of the new workspace or the author of its words.
    app, email, password, workspace_id = world
    archive = _download(_client(app, email, password), workspace_id)
    with app.app_context():
        other = accounts.create_user("vetaja@example.fi", "Vetäjä", PASSWORD, None, False)
        db.session.add(
            Membership(workspace_id=workspace_id, user_id=other.id, role=Role.FACILITATOR)
        )
        db.session.commit()
        other_id = other.id
        existing = set(db.session.scalars(select(User.id)))
        demo_user = db.session.scalar(select(User.id).where(User.email == email))
    response = _import(_client(app, "vetaja@example.fi", PASSWORD), archive)
    new_id = _new_workspace_id(response)
    with app.app_context():
        members = dict(
            db.session.execute(
                select(Membership.user_id, Membership.role).where(Membership.workspace_id == new_id)
            ).all()
        )
        assert members[other_id] == Role.FACILITATOR
        assert demo_user not in members
        strangers = set(members) - {other_id}
        assert strangers and not strangers & existing
        emails = db.session.scalars(select(User.email).where(User.id.in_(strangers))).all()
        assert all(e.endswith("@" + reading.PLACEHOLDER_DOMAIN) for e in emails)
        # The demo's words stay under the demo's names, on accounts of the archive's own.
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(CriticalPoint)
                .join(Journey)
                .where(Journey.workspace_id == new_id, CriticalPoint.created_by_id == demo_user)
            )
            == 0
        )


def test_the_command_line_exports_and_imports(world, tmp_path):
    app, email, password, workspace_id = world
    runner = app.test_cli_runner()
    target = tmp_path / "moved.polku.zip"
    result = runner.invoke(
        args=["archive", "export", str(workspace_id), "-o", str(target), "--remove-names"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["archive", "import", str(target), "--owner", email])
    assert result.exit_code == 0, result.output
    target.write_bytes(b"junk")
    result = runner.invoke(args=["archive", "import", str(target), "--owner", email])
    assert result.exit_code != 0 and "nothing was imported" in result.output
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == email))
        newest = db.session.scalar(select(Workspace).order_by(Workspace.id.desc()))
        role = db.session.scalar(
            select(Membership.role).where(
                Membership.workspace_id == newest.id, Membership.user_id == owner.id
            )
        )
        assert role == Role.FACILITATOR
        db.session.rollback()


# --- an archive from an older Polku -------------------------------------------------------------

SCRIPTS = ScriptDirectory(str(ROOT / "migrations"))
# The migration before the newest: what the previous version of Polku wrote its archives at.
PREVIOUS = SCRIPTS.get_revision(SCRIPTS.get_current_head()).down_revision
JOURNEYS = f"{services.TABLES_DIR}journey.json"
NOTICES = f"{services.TABLES_DIR}privacy_notice.json"


def _older(data: bytes, edit=None) -> bytes:
    """The archive as the previous Polku wrote it: without the newest table (the privacy
    notices) and with `edit(members)` applied to its tables."""
    members = _members(data)
    manifest = json.loads(members[services.MANIFEST])
    manifest["schema_revision"] = PREVIOUS
    manifest["counts"].pop("privacy_notice")
    members.pop(NOTICES)
    members[services.MANIFEST] = json.dumps(manifest).encode("utf-8")
    if edit is not None:
        edit(members)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, body in members.items():
            archive.writestr(member, body)
    return buffer.getvalue()


def _drop_column(name: str):
    """An edit of the journeys' file: the column gone, as a Polku before it wrote it."""

    def edit(members):
        body = json.loads(members[JOURNEYS])
        at = body["columns"].index(name)
        body["columns"].pop(at)
        for row in body["rows"]:
            row.pop(at)
        members[JOURNEYS] = json.dumps(body).encode("utf-8")

    return edit


def test_an_archive_from_an_older_polku_imports_with_defaults_for_what_it_lacked(world):
    app, email, password, workspace_id = world
    client = _client(app, email, password)
    older = _older(_download(client, workspace_id), _drop_column("description"))

    response = _import(client, older)

    new_id = _new_workspace_id(response)
    with app.app_context():
        journeys = db.session.scalars(select(Journey).where(Journey.workspace_id == new_id)).all()
        assert journeys and all(j.description == "" and j.name for j in journeys)
        db.session.rollback()
    assert "Oppisopimus" in _page_text(client, f"/w/{new_id}/")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_drop_column("name"), "journey.name"),
        (
            lambda members: members.update(
                {JOURNEYS: members[JOURNEYS].replace(b'"columns": [', b'"columns": ["gone", ', 1)}
            ),
            "journey.json",
        ),
    ],
    ids=["lacks a needed column", "has a column this site lost"],
)
def test_an_older_archive_this_site_cannot_fill_is_refused_naming_why(world, edit, message):
    app, email, password, workspace_id = world
    client = _client(app, email, password)
    older = _older(_download(client, workspace_id), edit)
    with app.app_context():
        before = _state()

    response = _import(client, older)

    assert response.status_code == 422
    assert message in response.text and "Mitään ei tuotu" in response.text
    with app.app_context():
        assert _state() == before
