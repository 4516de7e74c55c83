"""Hostile input anywhere: no 5xx, a translated error, and nothing changed.

One app and one database with the demo's content serve the whole module: the walk and the
forms only read it, or are refused before they write. Nothing here lists routes by hand:
the walk takes every rule of the URL map, and the forms are those the pages really draw,
found by crawling the site as the facilitator (also an administrator), a guest in the
running live session and an anonymous visitor.
"""

import io
import json
import operator
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import reduce
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import (
    BigInteger,
    Boolean,
    Integer,
    String,
    Text,
    cast,
    func,
    literal,
    select,
    union_all,
)
from werkzeug.datastructures import MultiDict
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import close_app, fresh_app
from tests.sparring_data import open_room as open_sparring_room
from tests.survey_data import answered_round
from workshop import demo
from workshop.accounts import reset as password_links
from workshop.accounts import services as accounts
from workshop.accounts.models import Role, Workspace
from workshop.competence import report as survey_report
from workshop.competence import services as survey
from workshop.competence.models import RoundLink
from workshop.competence.services import local_today
from workshop.extensions import db
from workshop.followup import links as follow_links
from workshop.followup import services as followup
from workshop.followup.models import FollowStatus, LinkRole
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey, JourneyKind
from workshop.live import services as live_services
from workshop.live.models import EntryKind
from workshop.models_base import utcnow
from workshop.sparring import commitments as sparring_commitments
from workshop.sparring import evidence as sparring_evidence
from workshop.sparring import services as sparring
from workshop.sparring import summary as sparring_summary
from workshop.sparring.models import SparrerRole
from workshop.sprints import services as sprints

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "polku.test"

# What each id in an address is replaced with: zero and 25 digits always, and in turn one of
# negative, beyond 64 bits by one, more digits than int() reads, and no number at all (every
# id reaches the view through the same converter; the turns still try each on most routes).
HOSTILE_IDS = ["0", "9" * 25]
HOSTILE_IDS_IN_TURN = ["-1", "9223372036854775808", "9" * 5000, "1x"]
HOSTILE_TEXTS = ["x" * 300, "%00", "a%C3"]

NUL = "Pelto\x00ja rivi"
LONG = "x" * 100_000
BLANK = "  \t \n "

UNSTORABLE_FI = "ei voi tallentaa"
ERROR_MARKS = (
    ".field__errors, .form-errors, .notice--error, .error-page, .flash--error, [role=alert]"
)

# Pages the crawl never visits: the PDFs take seconds each and hold no links or forms; the
# walk still sends them every hostile id.
NOT_CRAWLED = {"sprints.summary_pdf", "shared.download"}

# Rules no page links to; the walk builds their addresses from these values.
UNLINKED = {
    "main.healthz": {},
    # A member's calendar feed: its address is shown in a text field to copy, not linked.
    "follow_link.user_calendar": {"user_id": 1, "token": "x"},
    # Institution sign-in's return address is the provider's to link (off in the crawl's app),
    # a password link is shown to copy or e-mailed, and "Forgot your password?" is linked only
    # with SMTP configured (tests/integration/test_institution_sign_in.py,
    # test_password_links.py).
    "accounts.institution_sign_in": {},
    "accounts.institution_callback": {},
    "accounts.reset_password": {"token": "x"},
    "accounts.forgot_password": {},
}


@dataclass
class Form:
    """A POST form as a page drew it: where it goes, its fields and who saw it."""

    who: str
    action: str
    endpoint: str
    fields: list[tuple[str, str, str, bool]]  # name, kind, sensible value, required

    def data(self, **replace) -> list[tuple[str, str]]:
        return [(name, replace.get(kind, value)) for name, kind, value, _r in self.fields]

    @property
    def texts(self) -> list[str]:
        return [name for name, kind, _v, _r in self.fields if kind == "text"]

    @property
    def needs_text(self) -> bool:
        return any(kind == "text" and required for _n, kind, _v, required in self.fields)


@dataclass
class World:
    app: object
    clients: dict
    urls: dict = field(default_factory=lambda: defaultdict(list))  # endpoint -> [args]
    forms: list = field(default_factory=list)
    query_names: set = field(default_factory=set)
    seeds: dict = field(default_factory=dict)

    def login(self):
        response = self.clients["facilitator"].post(
            "/login", data={"email": self.seeds["email"], "password": self.seeds["password"]}
        )
        assert response.status_code == 303


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """The demo workspace, a share link, an invitation, someone entered for, a suggested step,
    a step in the trash, and a phone that joined the room and spent a dot."""
    tmp = tmp_path_factory.mktemp("hostile")
    app = fresh_app(tmp)
    with app.app_context():
        email, password = demo.load_demo(tmp / "instance")
        live = demo.demo_live_session()
        sprint, journey = live.sprint, live.journey
        facilitator = accounts.get_user_by_email(email)
        _link, share_token = sprints.create_share_link(sprint, facilitator, "Kumppanit", None)
        # Undo's forms: a withdrawn share link and a deleted journey.
        withdrawn, _token = sprints.create_share_link(sprint, facilitator, "Vanha", None)
        sprints.revoke_share_link(sprint, withdrawn.id)
        journeys.delete_journey(
            journeys.create_journey(
                sprint.workspace, facilitator, "Poistettu", JourneyKind.CUSTOM, "fi"
            ),
            facilitator,
        )
        _inv, invitation_token = accounts.create_invitation(
            sprint.workspace, Role.PARTICIPANT, facilitator, 7
        )
        # An open password link, so the administration's revoke button is drawn.
        password_links.create(facilitator, 24)
        board = journeys.load_board(journey)
        live_services.join(live, "Ilman puhelinta", live.guests[0].role, "", added_by=facilitator)
        live_services.add_entry(
            live,
            live.guests[0],
            live_services.EntryData(
                EntryKind.STEP,
                "Puuttuva vaihe",
                stage_id=board.stages[0].id,
                lane_id=board.lanes[0].id,
            ),
            None,
        )
        # The roster's controls: an organisation typed by a guest, a guest taken out of the
        # counts (restore), and a newcomer waiting to be let in (admit).
        typed = live_services.join(live, "Kirjoitti", live.guests[0].role, "Uusi Paja Oy")
        live_services.remove_guest(live, typed, facilitator, "Tuplakirjautuminen")
        live_services.join(live, "Toinen", live.guests[0].role, "Uusi Paja Oy")
        live_services.set_door(live, False, True)
        live_services.join(live, "Odottaja", live.guests[0].role, "")
        live_services.set_door(live, False, False)  # the crawling phone walks straight in
        journeys.trash_step(journey, facilitator, board.steps[-1])
        live_services.set_private(live, True)  # the console offers the reveal
        # A running sprint without a session, whose console offers to start one.
        waiting = sprints.create_sprint(
            sprint.workspace,
            facilitator,
            sprints.SprintData("Odottaa", "", None, None, ["Ymmärrä"], [journey.id]),
        )
        sprints.start_sprint(waiting)
        # A survey round with answers and a share link: the report's downloads and forms.
        survey_team = SimpleNamespace(workspace=sprint.workspace, facilitator=facilitator)
        survey_round = answered_round(survey_team, {"TCH": 6, "WBL": 5, "OFF": 2})
        survey_report.create_share(survey_round, facilitator, "Johto")
        # A sparring session with a frozen evidence pack, a share link and a sparrer's own link.
        series = sparring.create_series(sprint.workspace, facilitator, "Sparraus", "Johto", "fi")
        sparring_session = sparring.plan_session(series, facilitator, local_today())
        sparrer = sparring.add_sparrer(series, "Eeva", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
        sparring_evidence.freeze(sparring_session, lambda _pack: 1)
        pack_token = sparring_evidence.share(sparring_session, facilitator)
        sparrer_pack = f"/sp/{sparring.sparrer_token(sparrer)}/sessions/{sparring_session.id}/pack"
        pack_page = f"/w/{sprint.workspace_id}/sparring/sessions/{sparring_session.id}/pack"
        sparring_run, sparring_live = open_sparring_room(sprint.workspace, facilitator)
        # A follow-up with an outside owner's link: its page, its forms and the link's page.
        followed = followup.create_follow_up(
            sprint.workspace, facilitator, "Seurattava", local_today(), owner_name="Ulkopuolinen"
        )
        owner_link = follow_links.create_link(followed, LinkRole.OWNER, "Ulkopuolinen")
        db.session.commit()
        owner_link_path = f"/f/{follow_links.link_token(owner_link)}"
        # A sparring session with a sparrer: its commitments and their form.
        series = sparring.create_series(sprint.workspace, facilitator, "Sparraus", "Johto", "fi")
        spar_session = sparring.plan_session(series, facilitator, local_today())
        spar_session.sparrers.append(
            sparring.add_sparrer(series, "Eeva", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
        )
        # Held, with a done commitment and the summary shared: the summary's forms, the
        # "you said, we did" form and withdrawing a share.
        done = sparring_commitments.add_commitment(
            spar_session,
            facilitator,
            sparring_commitments.CommitmentData(
                "Yhteyshenkilö",
                local_today(),
                "opettaja vaihtuu",
                "nimi kerrotaan",
                owner_user_id=facilitator.id,
            ),
        )
        done.follow_up.status = FollowStatus.DONE
        spar_session.held_at = utcnow()
        sparring_summary.create_share(spar_session, facilitator)
        db.session.commit()
        commitment_pages = [
            f"/w/{sprint.workspace_id}/sparring/sessions/{spar_session.id}",
            f"/w/{sprint.workspace_id}/sparring/sessions/{spar_session.id}/summary",
            f"/w/{sprint.workspace_id}/sparring/sessions/{spar_session.id}/commitments",
            f"/w/{sprint.workspace_id}/sparring/sessions/{spar_session.id}/commitments/new",
        ]
        report_page = f"/w/{sprint.workspace_id}/survey/rounds/{survey_round.id}/report"
        # The sparring room's sprint is reached from its run page, after the workshops' consoles.
        sprint_pages = [
            f"/w/{sprint.workspace_id}/sprints/{s.id}"
            for s in sprints.sprints_of(sprint.workspace)
            if s.id != sparring_live.sprint_id
        ]
        seeds = {
            "facilitator": ["/", f"/w/{sprint.workspace_id}/sprints/{waiting.id}/live/"]
            + sprint_pages
            + [report_page, pack_page, sparring_run]
            + commitment_pages
            + [f"/w/{sprint.workspace_id}/follow-up/{followed.id}"],
            "sparring_code": sparring_live.join_code,
            "email": email,
            "password": password,
            "live": live.id,
            "code": live.join_code,
            "workspace": sprint.workspace_id,
            "anonymous": [
                "/",
                "/login",
                "/j/",
                f"/j/{live.join_code}",
                f"/shared/{share_token}",
                f"/invite/{invitation_token}",
                "/templates/",
                f"/sp/pack/{pack_token}",
                sparrer_pack,
                owner_link_path,
            ],
        }
    clients = {who: app.test_client() for who in ("facilitator", "guest", "anonymous")}
    world = World(app, clients, seeds=seeds)
    with app.app_context():
        world.login()
        guest = clients["guest"]
        joined = guest.post(
            f"/j/{seeds['code']}", data={"display_name": "Eetu", "role": "employer"}
        )
        assert joined.status_code == 303
        phone = guest.get(f"/live/{seeds['live']}/")
        point = BeautifulSoup(phone.text, "html.parser").select_one(
            f"form[action^='/live/{seeds['live']}/dots'] [name=point]"
        )
        guest.post(f"/live/{seeds['live']}/dots", data={"point": point["value"]})
        # The same phone in a sparring session's room: its phone page draws the capture form.
        joined = guest.post(
            f"/j/{seeds['sparring_code']}", data={"display_name": "Eetu", "role": "employer"}
        )
        seeds["guest"] = [joined.headers["Location"]]
        seeds["anonymous"] += _survey_respondent(clients["anonymous"], seeds["workspace"])
        # Every round's page is a start: each state (open, closed with a plan) draws other forms.
        workspace = db.session.get(Workspace, seeds["workspace"])
        world.seeds["facilitator"] += [
            f"/w/{workspace.id}/survey/rounds/{r.id}" for r in survey.rounds_of(workspace)
        ]
        _crawl(world)
        yield world
        db.session.remove()
    close_app(app)


def _survey_respondent(client, workspace_id: int) -> list[str]:
    """The anonymous visitor answers two survey rounds: one half done, one sent and shared
    with a supervisor; and holds a personal link. Returns the pages to start crawling from."""
    workspace = db.session.get(Workspace, workspace_id)
    today = local_today()
    rounds = []
    for name in ("Kesken", "Lähetetty"):
        round_, token = survey.open_round(
            workspace,
            None,
            name=name,
            opens_on=today,
            closes_on=today,
            roles=["TCH", "OFF"],
            units=["Tekniikka"],
            free_text=True,
        )
        rounds.append(
            (round_.id, token, round_.units[0].id, [(i.id, i.level) for i in round_.items])
        )
    link_token, link_hash = survey.new_token()
    db.session.add(RoundLink(round_id=rounds[0][0], number=1, token_hash=link_hash))
    db.session.commit()
    for n, (round_id, token, unit_id, items) in enumerate(rounds):
        assert client.post(f"/s/{token}", data={"role": "TCH", "unit": unit_id}).status_code == 303
        for item_id, level in items[: 3 if n == 0 else None]:
            client.post(f"/s/r/{round_id}/level/{level}", data={f"a{item_id}": "3"})
    sent_id = rounds[1][0]
    assert client.post(f"/s/r/{sent_id}/submit").status_code == 303
    client.post(f"/s/r/{sent_id}/share", data={"supervisor": "Esihenkilö"})
    report = BeautifulSoup(client.get(f"/s/r/{sent_id}/report").text, "html.parser")
    shared = urlsplit(report.select_one(".survey-share__url a")["href"]).path
    return [
        f"/s/r/{rounds[0][0]}/about",
        f"/s/{rounds[1][1]}",
        f"/s/r/{sent_id}/report",
        f"/s/p/{link_token}",
        shared,
    ]


# --- crawling: the addresses and forms the pages really have ------------------------------------


def _match(world, url: str, method: str = "GET"):
    parts = urlsplit(url)
    if parts.netloc not in ("", HOST) or not parts.path.startswith("/"):
        return None
    adapter = world.app.url_map.bind(HOST)
    try:
        endpoint, args = adapter.match(parts.path, method=method)
    except Exception:  # noqa: BLE001 - not one of ours, or not with this method
        return None
    return endpoint, args


def _sensible_value(el) -> str:
    kind = (el.get("type") or "text").lower()
    return {
        "email": "someone@example.fi",
        "date": "2026-12-31",
        "number": el.get("min") or "3",
        "url": "https://example.fi",
        "password": "not the password",
    }.get(kind, "Järkevä teksti")


def _forms_of(world, who: str, soup: BeautifulSoup, page_url: str):
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "post":
            # A GET form's fields are query arguments some view reads.
            world.query_names |= {el["name"] for el in form.find_all(attrs={"name": True})}
            continue
        action = form.get("action") or page_url
        matched = _match(world, action, "POST")
        if matched is None:
            continue
        fields, seen, button = [], set(), None
        for el in form.find_all(["input", "textarea", "select", "button"]):
            name = el.get("name")
            if not name or name == "csrf_token":
                continue
            required = el.has_attr("required")
            if el.name == "textarea":
                fields.append((name, "text", el.get_text() or "Järkevä teksti", required))
            elif el.name == "select":
                options = el.find_all("option")
                chosen = next((o for o in options if o.has_attr("selected")), None) or next(
                    (o for o in options if o.get("value")), None
                )
                fields.append((name, "choice", chosen.get("value", "") if chosen else "", required))
            else:
                kind = (el.get("type") or ("submit" if el.name == "button" else "text")).lower()
                if kind in ("submit", "button", "image", "reset"):
                    if button is None:
                        button = (name, "choice", el.get("value", ""), False)
                elif kind in ("radio", "checkbox"):
                    if name in seen and kind == "radio":
                        continue
                    group = form.find_all("input", attrs={"name": name, "type": kind})
                    checked = next((g for g in group if g.has_attr("checked")), None)
                    if kind == "radio" or checked is not None:
                        fields.append((name, "choice", (checked or el).get("value", "on"), False))
                elif kind == "hidden":
                    fields.append((name, "hidden", el.get("value", ""), False))
                elif kind != "file":
                    fields.append((name, "text", el.get("value") or _sensible_value(el), required))
            seen.add(name)
        if button is not None:
            fields.append(button)
        world.forms.append(Form(who, action, matched[0], fields))


def _links_of(soup: BeautifulSoup):
    for el in soup.find_all(True):
        for attr in ("href", "src", "data-hx-get", "action", "data-hx-post"):
            if el.get(attr):
                yield el[attr]


def _crawl(world) -> None:
    """Visit pages breadth first, at most two addresses per endpoint and visitor; every sprint's
    page is among the first (each state draws other forms)."""
    starts = {
        "facilitator": world.seeds["facilitator"],
        "guest": [f"/live/{world.seeds['live']}/"] + world.seeds.get("guest", []),
        "anonymous": world.seeds["anonymous"],
    }
    for who, start in starts.items():
        client, queue, visited = world.clients[who], list(start), set()
        per_endpoint = defaultdict(int)
        while queue:
            url = queue.pop(0)
            path = url.split("#")[0]
            for method in ("GET", "POST"):
                matched = _match(world, path, method)
                if matched and matched[1] not in world.urls[matched[0]]:
                    world.urls[matched[0]].append(matched[1])
            matched = _match(world, path)
            if matched is None or path in visited:
                continue
            endpoint = matched[0]
            if endpoint in NOT_CRAWLED or endpoint == "static":
                continue
            if per_endpoint[endpoint] >= 2 and url not in start:
                continue
            visited.add(path)
            per_endpoint[endpoint] += 1
            response = client.get(path)
            response.close()
            if "html" not in (response.content_type or "") or response.status_code != 200:
                continue
            soup = BeautifulSoup(response.text, "html.parser")
            _forms_of(world, who, soup, path)
            queue.extend(u for u in _links_of(soup) if u.split("#")[0] not in visited)


# --- the URL map walk --------------------------------------------------------------------------


def _path(rule, values: dict) -> str:
    """The rule's address with these values, whatever they are (not only valid ones)."""

    def value(match):
        return quote(str(values[match.group(1)]), safe="%")

    return re.sub(r"<(?:[^<>]*?:)?(\w+)>", value, rule.rule)


def _sensible_args(world, rule) -> dict | None:
    if not rule.arguments:
        return {}
    if rule.endpoint in UNLINKED:
        return UNLINKED[rule.endpoint]
    for args in world.urls.get(rule.endpoint, []):
        if set(args) == set(rule.arguments):
            return args
    # Not linked as it is now (a button the page draws only in another state): the values of
    # an address that names the same things.
    for linked in world.urls.values():
        for args in linked:
            if set(rule.arguments) <= set(args) and all(
                not isinstance(rule._converters[n], AnyConverter) for n in rule.arguments
            ):
                return {n: args[n] for n in rule.arguments}
    return None


def _query_names() -> set[str]:
    """The query arguments views read by name, found in the source (those read through a
    form are the fields of the GET forms the crawl saw)."""
    pattern = re.compile(r"""request\.(?:args|values)(?:\.get\(|\[)\s*"(\w+)\"""")
    names = set()
    for source in (ROOT / "workshop").rglob("*.py"):
        names |= set(pattern.findall(source.read_text()))
    return names


def _walk(world, who: str, rules) -> list[str]:
    client = world.clients[who]
    failures = []
    query_names = sorted(_query_names() | world.query_names)

    def send(method, url):
        response = client.open(url, method=method)
        response.close()
        if response.status_code >= 500:
            failures.append(f"{who} {method} {url[:160]} -> {response.status_code}")

    turn = 0
    for rule in rules:
        sensible = _sensible_args(world, rule)
        if sensible is None:
            failures.append(f"{rule.endpoint}: no page links to it; add it to UNLINKED")
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        if rule.endpoint == "static":
            send("GET", _path(rule, {"filename": "css/polku.css"}))
            continue
        for name in rule.arguments:
            ids = isinstance(rule._converters[name], IntegerConverter)
            if ids:
                turn += 1
                values = HOSTILE_IDS + [HOSTILE_IDS_IN_TURN[turn % len(HOSTILE_IDS_IN_TURN)]]
            else:
                values = HOSTILE_TEXTS
            for hostile in values:
                for method in methods:
                    send(method, _path(rule, sensible | {name: hostile}))
        if "GET" in methods and rule.endpoint not in NOT_CRAWLED:
            base = _path(rule, sensible)
            for hostile in ("9" * 25, "9" * 5000, "²"):
                send("GET", base + "?" + urlencode({n: hostile for n in query_names}))
    return failures


def _rules(world, public_only=False):
    rules = sorted(world.app.url_map.iter_rules(), key=lambda r: r.rule)
    if public_only:
        views = world.app.view_functions
        rules = [r for r in rules if getattr(views[r.endpoint], "is_public", False)]
    return rules


@pytest.mark.parametrize("who", ["facilitator", "anonymous"])
def test_every_route_answers_hostile_ids_without_a_server_error(world, who):
    with world.app.app_context():
        failures = _walk(world, who, _rules(world))
    assert not failures, "\n".join(failures)


def test_every_public_route_answers_a_guest_without_a_server_error(world):
    # A guest is an anonymous visitor everywhere but the public routes of the room.
    with world.app.app_context():
        failures = _walk(world, "guest", _rules(world, public_only=True))
    assert not failures, "\n".join(failures)


# --- every form, with what no form should take ---------------------------------------------------

# POST routes no page draws a form for, each with the reason (the crawl finds a form for every
# other one, so a new route is fuzzed as soon as a page offers it).
NO_FORM: dict[str, str] = {
    # htmx saves one statement of the level page the moment it changes: the fields are those
    # of the level page's form (answer.level), which the crawl fuzzes.
    "answer.save_item": "the level page's fields, saved one at a time",
    "accounts.reset_password": "reached through a link to copy or an e-mail "
    "(tests/integration/test_password_links.py)",
    "accounts.forgot_password": "shown only with SMTP configured "
    "(tests/integration/test_password_links.py)",
    # The people search draws these forms only around what a search found; forged, missing
    # and foreign record ids are tested in test_privacy_people.py.
    "people.export": "drawn only under search results (test_privacy_people.py)",
    "people.erase": "drawn only under search results (test_privacy_people.py)",
    # A bare button, drawn only once the facilitators wrote their own notice.
    "privacy.reset": "shown only beside a notice the facilitators wrote (test_privacy_notice.py)",
}


def _distinct_forms(world) -> list[Form]:
    """One form of each kind; a bare button (only its CSRF token) has nothing to send."""
    chosen, seen = [], set()
    for form in world.forms:
        if not form.fields:
            continue
        key = (form.who, form.endpoint, tuple(sorted(name for name, *_ in form.fields)))
        if key not in seen:
            seen.add(key)
            chosen.append(form)
    return chosen


# Refused logins and wrong join codes are recorded on purpose: they are what throttles guessing.
RECORDS_REFUSALS = {"login_failure", "rate_counter"}


def _state_in_transaction() -> list:
    """Per table its row count and the sums of its numbers and text lengths: a write changes them.

    One statement, one scan per table (a sum per column cost a scan per column, and the form
    tests take a snapshot after every post).
    """
    rows = []
    for table in db.metadata.sorted_tables:
        if table.name in RECORDS_REFUSALS:
            continue
        numbers, lengths = [literal(0)], [literal(0)]
        for column in table.columns:
            if isinstance(column.type, Boolean):
                continue
            if isinstance(column.type, Integer):
                numbers.append(cast(func.coalesce(column, 0), BigInteger))
            elif isinstance(column.type, (String, Text)):
                lengths.append(func.coalesce(func.length(cast(column, Text)), 0))
        rows.append(
            select(
                literal(table.name),
                func.count(),
                func.coalesce(func.sum(reduce(operator.add, numbers)), 0),
                func.coalesce(func.sum(reduce(operator.add, lengths)), 0),
            ).select_from(table)
        )
    return sorted(tuple(row) for row in db.session.execute(union_all(*rows)))


def _state() -> list:
    """The snapshot, read in a transaction of its own (the app's commits are then in it)."""
    values = _state_in_transaction()
    db.session.rollback()
    return values


def test_the_snapshot_sees_a_one_character_edit_and_a_changed_number(world):
    # The form tests trust _state to notice a write: one that slips past it hides a refusal
    # that changed the database.
    with world.app.app_context():
        before = _state()
        workspace = db.session.scalars(select(Workspace)).first()
        workspace.name += "x"
        db.session.flush()
        assert _state_in_transaction() != before
        db.session.rollback()
        journey = db.session.scalars(select(Journey)).first()
        journey.version += 1
        db.session.flush()
        assert _state_in_transaction() != before
        db.session.rollback()
        assert _state() == before


def _post(world, form: Form, data, headers=None, raw: bytes | None = None):
    client = world.clients[form.who]
    headers = {"Accept-Language": "fi"} | (headers or {})
    if raw is not None:
        return client.post(
            form.action,
            data=raw,
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )
    return client.post(form.action, data=MultiDict(data), headers=headers)


def _check_refused(world, form, response, before, label, failures, expect_error=True):
    after = _state()
    where = f"{label} {form.who} {form.endpoint} {form.action}"
    if response.status_code >= 500:
        failures.append(f"{where} -> {response.status_code}")
        return after
    if not expect_error:
        return after
    if response.status_code < 400:
        failures.append(f"{where} -> {response.status_code}, accepted")
    elif not BeautifulSoup(response.text, "html.parser").select(ERROR_MARKS):
        failures.append(f"{where} -> {response.status_code} without an error shown")
    if after != before:
        failures.append(f"{where} changed the database")
    return after


def test_the_crawl_finds_a_form_for_every_post_route(world):
    posted = {f.endpoint for f in world.forms}
    missing = [
        rule.endpoint
        for rule in world.app.url_map.iter_rules()
        if "POST" in rule.methods and rule.endpoint not in posted | set(NO_FORM)
    ]
    assert not missing, f"POST routes no page draws a form for: {sorted(set(missing))}"


def test_nul_bytes_in_any_form_are_refused_in_finnish(world):
    failures = []
    with world.app.app_context():
        before = _state()
        for form in _distinct_forms(world):
            data = form.data(text=NUL, hidden=NUL, choice=NUL)
            response = _post(world, form, data)
            before = _check_refused(world, form, response, before, "NUL", failures)
            if response.status_code == 400 and UNSTORABLE_FI not in response.text:
                failures.append(f"NUL {form.endpoint}: the Finnish message is missing")
    assert not failures, "\n".join(failures)


def test_lone_surrogates_in_any_form_are_refused(world):
    # A lone surrogate travels as the bytes ED A0 80, which are not UTF-8.
    failures = []
    with world.app.app_context():
        before = _state()
        for form in _distinct_forms(world):
            if not form.texts:
                continue
            pairs = form.data()
            raw = "&".join(
                f"{quote(n)}={'%ED%A0%80' if n in form.texts else quote(v)}" for n, v in pairs
            )
            response = _post(world, form, None, raw=raw.encode("ascii"))
            before = _check_refused(world, form, response, before, "surrogate", failures)
    assert not failures, "\n".join(failures)


def test_overlong_text_in_any_field_is_refused(world):
    failures = []
    with world.app.app_context():
        before = _state()
        for form in _distinct_forms(world):
            for name in form.texts:
                data = [(n, LONG if n == name else v) for n, v in form.data()]
                response = _post(world, form, data, headers={"HX-Request": "true"})
                before = _check_refused(world, form, response, before, f"long {name}", failures)
    assert not failures, "\n".join(failures)


def test_whitespace_only_text_is_refused_where_text_is_required(world):
    failures = []
    with world.app.app_context():
        before = _state()
        for form in _distinct_forms(world):
            if not form.texts:
                continue
            response = _post(world, form, form.data(text=BLANK))
            before = _check_refused(
                world, form, response, before, "blank", failures, expect_error=form.needs_text
            )
    assert not failures, "\n".join(failures)


def test_out_of_range_ids_in_any_form_field_are_no_server_error(world):
    failures = []
    with world.app.app_context():
        before = _state()
        for form in _distinct_forms(world):
            if all(kind == "text" for _n, kind, _v, _r in form.fields):
                continue
            for hostile in ("9" * 25,):
                response = _post(world, form, form.data(hidden=hostile, choice=hostile))
                refused = response.status_code >= 400
                before = _check_refused(
                    world, form, response, before, f"id {hostile[:8]}", failures, refused
                )
    assert not failures, "\n".join(failures)


def test_a_journey_file_with_unstorable_text_or_huge_numbers_is_refused_in_finnish(world):
    client = world.clients["facilitator"]
    args = world.urls["export.journey"][0]
    workspace = args["workspace_id"]
    with world.app.app_context():
        exported = client.get(f"/w/{workspace}/export/journeys/{args['journey_id']}.json")
        assert exported.status_code == 200

        def changed(path, value) -> bytes:
            document = json.loads(exported.data)
            target = document
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = value
            # ensure_ascii: NUL and the lone surrogate travel as \\u escapes, as JSON allows.
            return json.dumps(document).encode("ascii")

        files = {
            "NUL in the name": changed(("journey", "name"), "Nolla\x00merkki"),
            "lone surrogate in a title": changed(("steps", 0, "title"), "Puoli\ud800merkki"),
            "lone surrogate in a key": changed(("journey", "Puoli\ud800avain"), 1),
            "lone surrogate as the version": changed(("version",), "\ud800"),
            "a key twice": b'{"\\ud800": 1, "\\ud800": 2}',
            "huge emotion": changed(("steps", 0, "emotion_student"), 10**30),
            "huge negative severity": changed(("critical_points", 0, "severity"), -(10**30)),
            "100,000 characters": changed(("steps", 0, "title"), LONG),
            "a blank title": changed(("stages", 0, "title"), BLANK),
        }
        before = _state()
        failures = []
        for what, raw in files.items():
            response = client.post(
                f"/w/{workspace}/export/journeys/import",
                data={"file": (io.BytesIO(raw), "polku.json"), "name": ""},
                content_type="multipart/form-data",
                headers={"Accept-Language": "fi"},
            )
            if response.status_code != 422 or "Mitään ei tuotu" not in response.text:
                failures.append(f"{what}: {response.status_code}")
            if _state() != before:
                failures.append(f"{what}: changed the database")
    assert not failures, "\n".join(failures)
