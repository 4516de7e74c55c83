"""The evidence pack: what the sparrers read before a session, as one typed, versioned document.

Built from the record: each journey's critical points in the one ranking's order (with who
reported them by role and organisation, never by name), the latest staff-survey round that
shows anything (only what its report shows: groups under k stay hidden, no free text), each
journey's map in brief, and the commitments of earlier sessions still open.

"Freeze and send the pack" stores the document in `session.pack`; from then on every output
reads the frozen document. Freezing again is possible until the session has been held.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime

from flask_babel import force_locale
from sqlalchemy import select

from workshop import clock, tokens
from workshop.accounts.models import User
from workshop.competence import beside
from workshop.competence import services as competence
from workshop.competence.aggregate import Figures
from workshop.critical_points import ranking
from workshop.critical_points.document import journey_document
from workshop.critical_points.models import PointStatus
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.sparring import services as sparring
from workshop.sparring.models import ShareKind, SparringSession, SparringShare

FORMAT = "polku.sparring-pack"
# 1: the first pack.
SCHEMA_VERSION = 1
# The most points a pack starts with (more never fit on four pages); the PDF and freezing cut
# further until the PDF fits on MAX_PAGES.
POINT_LIMIT = 60
MAX_PAGES = 4
TITLE_CUT = 140
# Points still waiting for a fix: what the sparrers are asked about.
UNRESOLVED = (PointStatus.OPEN.value, PointStatus.TESTING.value)
MAX_TARGETS = 5
_MOMENT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class Reporter:
    """Who reported a point: a reporter role's value and an organisation's name, never a name."""

    role: str
    organisation: str = ""


@dataclass(frozen=True)
class PackPoint:
    """A critical point on a step, with the one ranking's figures."""

    id: int
    journey: str
    stage: str
    step: str
    title: str
    severity: int
    votes: int
    dots: int
    status: str
    reporters: tuple[Reporter, ...] = ()

    @property
    def support(self) -> int:
        return self.votes + self.dots

    @property
    def report_count(self) -> int:
        return len(self.reporters)


@dataclass(frozen=True)
class MapStep:
    """A step of a journey's map and how many unresolved points it has."""

    title: str
    open_points: int = 0


@dataclass(frozen=True)
class MapStage:
    """A stage of a journey's map with its steps in reading order."""

    title: str
    steps: tuple[MapStep, ...] = ()


@dataclass(frozen=True)
class JourneyMap:
    """A journey in brief: stages → steps."""

    name: str
    stages: tuple[MapStage, ...] = ()


@dataclass(frozen=True)
class LevelRow:
    """A competence level: the whole round's mean, and each shown group's (None: hidden)."""

    name: str
    mean: float | None
    groups: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class Target:
    """An item flagged as a coaching target, with the round's total mean."""

    text: str
    mean: float | None
    groups: str


@dataclass(frozen=True)
class Survey:
    """The latest shown staff-survey round: only what its report shows."""

    round_name: str
    closes_on: date
    respondents: int
    k: int
    groups: tuple[str, ...]
    levels: tuple[LevelRow, ...]
    targets: tuple[Target, ...]
    target_count: int


@dataclass(frozen=True)
class CheckInState:
    """A check-in of an open commitment: its kind's value, due date and whether done."""

    kind: str
    due_on: date
    done: bool


@dataclass(frozen=True)
class OpenCommitment:
    """A commitment of an earlier session that is neither done nor dropped."""

    title: str
    owner: str
    agreed_on: date
    due_on: date | None
    status: str
    check_ins: tuple[CheckInState, ...] = ()


@dataclass(frozen=True)
class EvidencePack:
    """A session's evidence pack at one moment, written in the host's language."""

    built_at: datetime
    language: str
    workspace: str
    series: str
    host: str
    held_on: date
    questions: tuple[str, ...]
    points: tuple[PackPoint, ...]
    points_left_out: int
    maps: tuple[JourneyMap, ...]
    survey: Survey | None
    commitments: tuple[OpenCommitment, ...]

    def journeys(self) -> list[tuple[str, list[PackPoint]]]:
        """The points by journey, each journey's in the ranking's order."""
        found: dict[str, list[PackPoint]] = {}
        for point in self.points:
            found.setdefault(point.journey, []).append(point)
        return list(found.items())

    def cut(self, keep: int) -> "EvidencePack":
        """The pack with only the `keep` highest-ranked points; the others are counted."""
        kept = {p.id for p in ranking.ranked(self.points)[:keep]}
        points = tuple(p for p in self.points if p.id in kept)
        left = self.points_left_out + len(self.points) - len(points)
        return replace(self, points=points, points_left_out=left)

    def to_dict(self) -> dict:
        """The pack as JSON values, in the current schema version."""
        survey = self.survey
        return {
            "format": FORMAT,
            "version": SCHEMA_VERSION,
            "built_at": self.built_at.strftime(_MOMENT),
            "language": self.language,
            "workspace": self.workspace,
            "series": self.series,
            "host": self.host,
            "held_on": self.held_on.isoformat(),
            "questions": list(self.questions),
            "points": [
                {
                    "id": p.id,
                    "journey": p.journey,
                    "stage": p.stage,
                    "step": p.step,
                    "title": p.title,
                    "severity": p.severity,
                    "votes": p.votes,
                    "dots": p.dots,
                    "status": p.status,
                    "reporters": [[r.role, r.organisation] for r in p.reporters],
                }
                for p in self.points
            ],
            "points_left_out": self.points_left_out,
            "maps": [
                {
                    "name": m.name,
                    "stages": [
                        {"title": s.title, "steps": [[x.title, x.open_points] for x in s.steps]}
                        for s in m.stages
                    ],
                }
                for m in self.maps
            ],
            "survey": None
            if survey is None
            else {
                "round_name": survey.round_name,
                "closes_on": survey.closes_on.isoformat(),
                "respondents": survey.respondents,
                "k": survey.k,
                "groups": list(survey.groups),
                "levels": [[r.name, r.mean, list(r.groups)] for r in survey.levels],
                "targets": [[t.text, t.mean, t.groups] for t in survey.targets],
                "target_count": survey.target_count,
            },
            "commitments": [
                {
                    "title": c.title,
                    "owner": c.owner,
                    "agreed_on": c.agreed_on.isoformat(),
                    "due_on": _day(c.due_on),
                    "status": c.status,
                    "check_ins": [[x.kind, x.due_on.isoformat(), x.done] for x in c.check_ins],
                }
                for c in self.commitments
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "EvidencePack":
        """The pack from its JSON form in the current version (`load` upgrades first)."""
        survey = data.get("survey")
        return cls(
            built_at=datetime.strptime(data["built_at"], _MOMENT),
            language=data["language"],
            workspace=data["workspace"],
            series=data["series"],
            host=data["host"],
            held_on=date.fromisoformat(data["held_on"]),
            questions=tuple(data["questions"]),
            points=tuple(
                PackPoint(
                    id=p["id"],
                    journey=p["journey"],
                    stage=p["stage"],
                    step=p["step"],
                    title=p["title"],
                    severity=p["severity"],
                    votes=p["votes"],
                    dots=p["dots"],
                    status=p["status"],
                    reporters=tuple(Reporter(role, org) for role, org in p["reporters"]),
                )
                for p in data["points"]
            ),
            points_left_out=data["points_left_out"],
            maps=tuple(
                JourneyMap(
                    m["name"],
                    tuple(
                        MapStage(s["title"], tuple(MapStep(t, n) for t, n in s["steps"]))
                        for s in m["stages"]
                    ),
                )
                for m in data["maps"]
            ),
            survey=None
            if survey is None
            else Survey(
                round_name=survey["round_name"],
                closes_on=date.fromisoformat(survey["closes_on"]),
                respondents=survey["respondents"],
                k=survey["k"],
                groups=tuple(survey["groups"]),
                levels=tuple(LevelRow(n, m, tuple(g)) for n, m, g in survey["levels"]),
                targets=tuple(Target(t, m, g) for t, m, g in survey["targets"]),
                target_count=survey["target_count"],
            ),
            commitments=tuple(
                OpenCommitment(
                    title=c["title"],
                    owner=c["owner"],
                    agreed_on=date.fromisoformat(c["agreed_on"]),
                    due_on=date.fromisoformat(c["due_on"]) if c["due_on"] else None,
                    status=c["status"],
                    check_ins=tuple(
                        CheckInState(k, date.fromisoformat(d), done)
                        for k, d, done in c["check_ins"]
                    ),
                )
                for c in data["commitments"]
            ),
        )


class UnknownVersion(ValueError):
    """A pack in a schema version this Polku does not know."""


def load(data: dict) -> EvidencePack:
    """A stored pack of any version Polku has written."""
    if data.get("format") != FORMAT or data.get("version") != SCHEMA_VERSION:
        raise UnknownVersion(data.get("version"))
    return EvidencePack.from_dict(data)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


# --- building ----------------------------------------------------------------------------------


def build(session: SparringSession, limit: int | None = POINT_LIMIT) -> EvidencePack:
    """The session's pack as the record stands now, with at most `limit` points."""
    series = session.series
    workspace = series.workspace
    points, maps = [], []
    for journey in journeys.journeys_of(workspace):
        doc = journey_document(journey)
        stages = {s.id: s for s in doc.stages}
        steps = {s.key: s for s in doc.steps}
        unresolved = [p for p in doc.points if p.status in UNRESOLVED]
        per_step: dict[str, int] = {}
        for point in unresolved:
            per_step[point.step] = per_step.get(point.step, 0) + 1
            step = steps[point.step]
            points.append(
                PackPoint(
                    id=point.id,
                    journey=doc.name,
                    stage=stages[step.stage].title,
                    step=step.title,
                    title=_short(point.title),
                    severity=point.severity,
                    votes=point.votes,
                    dots=point.dots,
                    status=point.status,
                    reporters=tuple(Reporter(r.role, r.organisation or "") for r in point.reports),
                )
            )
        maps.append(
            JourneyMap(
                doc.name,
                tuple(
                    MapStage(
                        stage.title,
                        tuple(
                            MapStep(step.title, per_step.get(step.key, 0))
                            for step in doc.steps
                            if step.stage == stage.id
                        ),
                    )
                    for stage in doc.stages
                ),
            )
        )
    pack = EvidencePack(
        built_at=clock.now().replace(microsecond=0, tzinfo=None),
        language=series.language,
        workspace=workspace.name,
        series=series.title,
        host=series.host,
        held_on=session.held_on,
        questions=tuple(q.text for q in session.questions),
        points=tuple(points),
        points_left_out=0,
        maps=tuple(maps),
        survey=_survey(workspace, series.language),
        commitments=tuple(_commitment(c) for c in sparring.open_commitments(series, session)),
    )
    return pack if limit is None or len(points) <= limit else pack.cut(limit)


def _short(text: str) -> str:
    return text if len(text) <= TITLE_CUT else text[: TITLE_CUT - 1].rstrip() + "…"


def _survey(workspace, language: str) -> Survey | None:
    """The latest round whose report shows anything, as far as its report shows it."""
    found = beside.shown_round(workspace)
    if found is None:
        return None
    round_, report = found
    bank = competence.bank_of(round_)
    level_names = {level.id: level.name.get(language) for level in (bank.levels if bank else ())}
    role_names = {role.id: role.name.get(language) for role in (bank.roles if bank else ())}
    with force_locale(language):
        other = str(beside.GROUP_LABELS[beside.OTHER])
        everyone = str(beside.GROUP_LABELS[beside.ALL])
    # Groups pooled into "Other" are not columns of their own: the pack never names them.
    roles = report.roles
    columns = tuple(g for g in roles.groups if g not in roles.pooled) + (
        (beside.OTHER,) if roles.pooled else ()
    )

    def mean(cell) -> float | None:
        return cell.mean if isinstance(cell, Figures) else None

    def name(group: str) -> str:
        if group == beside.OTHER:
            return other
        if group == beside.ALL:
            return everyone
        return role_names.get(group, group)

    levels = tuple(
        LevelRow(
            level_names.get(row.key, row.key),
            mean(row.total),
            tuple(mean(row.by_role.get(group)) for group in columns),
        )
        for row in report.levels
    )
    texts = {item.item_id: item.text(language) for item in round_.items}
    flagged = [row for row in report.items if row.flagged_for]
    flagged.sort(key=lambda row: (mean(row.total) is None, mean(row.total) or 0, row.key))
    return Survey(
        round_name=round_.name,
        closes_on=round_.closes_on,
        respondents=report.respondents or 0,
        k=report.k,
        groups=tuple(name(group) for group in columns),
        levels=levels,
        targets=tuple(
            Target(
                _short(texts.get(row.key, row.key)),
                mean(row.total),
                ", ".join(name(g) for g in row.flagged_for),
            )
            for row in flagged[:MAX_TARGETS]
        ),
        target_count=len(flagged),
    )


def _commitment(commitment) -> OpenCommitment:
    follow_up = commitment.follow_up
    owner = follow_up.owner_user.name if follow_up.owner_user else follow_up.owner_name
    return OpenCommitment(
        title=follow_up.title,
        owner=owner,
        agreed_on=follow_up.agreed_on,
        due_on=follow_up.due_on,
        status=follow_up.status.value,
        check_ins=tuple(
            CheckInState(c.kind.value, c.due_on, c.done_at is not None)
            for c in sorted(follow_up.check_ins, key=lambda c: c.due_on)
        ),
    )


# --- the pack a session shows, freezing ---------------------------------------------------------


def pack_of(session: SparringSession) -> EvidencePack:
    """The frozen pack of the session, or the live draft before it was frozen."""
    if session.pack is not None:
        return load(session.pack)
    return build(session)


def fitted(session: SparringSession, pages_of) -> EvidencePack:
    """The pack as it stands now, its lowest-ranked points cut until `pages_of(pack)` (the
    PDF's page count) is at most MAX_PAGES."""
    pack = build(session)
    pages = pages_of(pack)
    while pages > MAX_PAGES and pack.points:
        # The points are most of a long pack: keep about the share that fits, then re-measure.
        count = len(pack.points)
        pack = pack.cut(max(0, min(count - 1, count * MAX_PAGES // pages)))
        pages = pages_of(pack)
    return pack


def freeze(session: SparringSession, pages_of) -> EvidencePack:
    """Store the pack as it stands now, fitted to MAX_PAGES (see `fitted`). Refused once the
    session has been held: what it discussed stays as it was."""
    if session.held_at is not None:
        raise sparring.SparringError("pack_held")
    pack = fitted(session, pages_of)
    session.pack = pack.to_dict()
    session.pack_frozen_at = clock.now()
    session.version += 1
    db.session.flush()
    return pack


# --- share links -------------------------------------------------------------------------------


def share(session: SparringSession, user: User) -> str:
    """A new share link to the session's pack; returns its token, shown once."""
    token, token_hash = tokens.new_token()
    db.session.add(
        SparringShare(
            session=session, kind=ShareKind.PACK, token_hash=token_hash, created_by_id=user.id
        )
    )
    db.session.flush()
    return token


def pack_shares(session: SparringSession) -> list[SparringShare]:
    """The session's pack links still working."""
    return [s for s in session.shares if s.kind == ShareKind.PACK and s.revoked_at is None]


def get_share(session: SparringSession, share_id: int) -> SparringShare | None:
    """A pack link of this session, or None."""
    return next((s for s in session.shares if s.id == share_id and s.kind == ShareKind.PACK), None)


def revoke(share_: SparringShare) -> None:
    """Withdraw a share link: it answers 410 from now on."""
    if share_.revoked_at is None:
        share_.revoked_at = clock.now()
    db.session.flush()


class ShareGone(Exception):
    """The link existed but was withdrawn."""


def find_share(token: str | None) -> SparringShare | None:
    """The pack link of the token; ShareGone when withdrawn; None for anything else."""
    if not tokens.is_token_shaped(token):
        return None
    found = db.session.scalar(
        select(SparringShare).where(
            SparringShare.token_hash == tokens.hash_token(token),
            SparringShare.kind == ShareKind.PACK,
        )
    )
    if found is not None and found.revoked_at is not None:
        raise ShareGone()
    return found
