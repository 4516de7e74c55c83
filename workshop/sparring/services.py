"""Series, sparrers and sessions: making and finding them, the default agenda, and the open
commitments that open the next session.

The other modules beside this one build on it: evidence (the pack), room (the live session and
captures), commitments, summary and said_did. Services never commit; the view does.
"""

from datetime import date

from sqlalchemy import select

from workshop import tokens
from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.followup.models import FollowStatus, FollowUp
from workshop.models_base import utcnow
from workshop.sparring.models import (
    AgendaItem,
    AgendaKind,
    Commitment,
    Sparrer,
    SparrerRole,
    SparringSeries,
    SparringSession,
)

LANGUAGES = ("fi", "sv", "en")
# The brief's agenda for a 2.5-hour session: open commitments always come first.
DEFAULT_AGENDA = (
    (AgendaKind.OPEN_COMMITMENTS, 10),
    (AgendaKind.EVIDENCE, 15),
    (AgendaKind.QUESTIONS, 60),
    (AgendaKind.GROWTH, 30),
    (AgendaKind.COMMITMENTS, 30),
    (AgendaKind.FEEDBACK, 10),
)
_SPARRER_LINK = "polku-sparrer-link"


class SparringError(Exception):
    """A sparring change that cannot be done; `reason` names why, the view says it in words."""

    def __init__(self, reason: str, detail=None):
        super().__init__(reason, detail)
        self.reason, self.detail = reason, detail


# --- series and sparrers -----------------------------------------------------------------------


def create_series(
    workspace: Workspace, user: User, title: str, host: str, language: str
) -> SparringSeries:
    """A new sparring series of the workspace's management team (`host`)."""
    if language not in LANGUAGES:
        raise SparringError("unknown_language")
    series = SparringSeries(
        workspace=workspace,
        title=title.strip(),
        host=host.strip(),
        language=language,
        created_by_id=user.id,
    )
    db.session.add(series)
    db.session.flush()
    return series


def series_of(workspace: Workspace) -> list[SparringSeries]:
    """The workspace's series, newest first."""
    return list(
        db.session.scalars(
            select(SparringSeries)
            .where(SparringSeries.workspace_id == workspace.id)
            .order_by(SparringSeries.id.desc())
        )
    )


def get_series(workspace: Workspace, series_id: int) -> SparringSeries | None:
    """The workspace's series by id, or None (also for another workspace's)."""
    series = db.session.get(SparringSeries, series_id)
    return series if series is not None and series.workspace_id == workspace.id else None


def sparrer_token(sparrer: Sparrer) -> str:
    """The token of a sparrer's personal link; derived, so the page can show it again."""
    return tokens.derived(_SPARRER_LINK, sparrer.id, f"{sparrer.created_at:%Y%m%d%H%M%S%f}")


def add_sparrer(
    series: SparringSeries, name: str, organisation: str, role: SparrerRole, email: str = ""
) -> Sparrer:
    """A sparrer of the series with a personal link (see sparrer_token)."""
    sparrer = Sparrer(
        series=series,
        name=name.strip(),
        organisation=organisation.strip(),
        role=role,
        email=email.strip(),
        created_at=utcnow(),
        # Unique until the id is known; replaced by the derived token's hash below.
        token_hash=tokens.new_token()[1],
    )
    db.session.add(sparrer)
    db.session.flush()
    sparrer.token_hash = tokens.hash_token(sparrer_token(sparrer))
    return sparrer


def sparrer_for_token(token: str | None) -> Sparrer | None:
    """The sparrer whose link this is, unless it was revoked; None for anything else."""
    if not tokens.is_token_shaped(token):
        return None
    sparrer = db.session.scalar(
        select(Sparrer).where(Sparrer.token_hash == tokens.hash_token(token))
    )
    return sparrer if sparrer is not None and sparrer.revoked_at is None else None


# --- sessions --------------------------------------------------------------------------------


def plan_session(series: SparringSeries, user: User, held_on: date) -> SparringSession:
    """A new session of the series on that day, with the default agenda."""
    session = SparringSession(series=series, held_on=held_on, created_by_id=user.id)
    session.agenda = [
        AgendaItem(position=position, kind=kind, minutes=minutes)
        for position, (kind, minutes) in enumerate(DEFAULT_AGENDA)
    ]
    db.session.add(session)
    db.session.flush()
    return session


def get_session(workspace: Workspace, session_id: int) -> SparringSession | None:
    """The workspace's sparring session by id, or None (also for another workspace's)."""
    session = db.session.get(SparringSession, session_id)
    if session is None or session.series.workspace_id != workspace.id:
        return None
    return session


def open_commitments(series: SparringSeries, before: SparringSession | None = None) -> list:
    """Commitments of the series' earlier sessions (all, without `before`) that are neither
    done nor dropped, oldest first: they open the next session's agenda."""
    query = (
        select(Commitment)
        .join(Commitment.session)
        .join(Commitment.follow_up)
        .where(
            SparringSession.series_id == series.id,
            FollowUp.status.in_((FollowStatus.OPEN, FollowStatus.IN_PROGRESS)),
        )
        .order_by(SparringSession.held_on, Commitment.position)
    )
    if before is not None:
        query = query.where(SparringSession.held_on < before.held_on)
    return list(db.session.scalars(query))
