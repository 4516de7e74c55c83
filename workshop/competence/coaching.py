"""A round's coaching plan: 2–3 themes the team edits, followed up in the next round.
Services never commit."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workshop.competence.bank import ALL_ROLES, ROLES
from workshop.competence.models import (
    MAX_THEMES,
    CoachingTheme,
    Round,
    ThemeStatus,
)
from workshop.competence.rounds import Conflict
from workshop.competence.services import SurveyError
from workshop.extensions import db

ROLE_GROUPS = (ALL_ROLES, *ROLES)


class TooManyThemes(SurveyError):
    """A plan holds at most MAX_THEMES themes: coaching aimed at everything reaches nothing."""

    def __init__(self):
        super().__init__("themes")


@dataclass(frozen=True)
class ThemeData:
    """What the team writes for one theme."""

    title: str
    role: str
    items: list[str]
    owner: str
    due_on: date | None
    status: ThemeStatus
    follow_up: str


def coaching_plan(round_: Round) -> list[CoachingTheme]:
    """The round's coaching themes in order (the report shows them)."""
    return list(
        db.session.scalars(
            select(CoachingTheme)
            .where(CoachingTheme.round_id == round_.id)
            .order_by(CoachingTheme.position, CoachingTheme.id)
        )
    )


def get_theme(round_: Round, theme_id: int) -> CoachingTheme | None:
    """A theme of this round."""
    theme = db.session.get(CoachingTheme, theme_id)
    return theme if theme is not None and theme.round_id == round_.id else None


def _check(round_: Round, data: ThemeData) -> None:
    if data.role not in ROLE_GROUPS:
        raise SurveyError("role")
    asked = {item.item_id for item in round_.items}
    if any(item_id not in asked for item_id in data.items):
        raise SurveyError("items")


def _ordered_items(round_: Round, chosen: list[str]) -> list[str]:
    return [item.item_id for item in round_.items if item.item_id in set(chosen)]


def add_theme(round_: Round, data: ThemeData) -> CoachingTheme:
    """A new theme at the end of the plan; refused past MAX_THEMES."""
    _check(round_, data)
    # Two people adding a theme at once count one after the other: PostgreSQL waits on the
    # round's row here, SQLite already runs one writing request at a time (BEGIN IMMEDIATE).
    db.session.execute(select(Round.id).where(Round.id == round_.id).with_for_update())
    plan = coaching_plan(round_)
    if len(plan) >= MAX_THEMES:
        raise TooManyThemes()
    theme = CoachingTheme(
        round_id=round_.id,
        position=max((t.position for t in plan), default=-1) + 1,
        title=data.title,
        role=data.role,
        items=_ordered_items(round_, data.items),
        owner=data.owner,
        due_on=data.due_on,
        status=data.status,
        follow_up=data.follow_up,
    )
    db.session.add(theme)
    db.session.flush()
    return theme


def update_theme(round_: Round, theme: CoachingTheme, version: int | None, data: ThemeData) -> None:
    """Change a theme, unless someone saved it since this edit began."""
    if version != theme.version:
        raise Conflict()
    _check(round_, data)
    theme.title, theme.role = data.title, data.role
    theme.items = _ordered_items(round_, data.items)
    theme.owner, theme.due_on = data.owner, data.due_on
    theme.status, theme.follow_up = data.status, data.follow_up
    theme.version += 1
    db.session.flush()


def delete_theme(theme: CoachingTheme) -> None:
    """Take a theme out of the plan."""
    db.session.delete(theme)
    db.session.flush()
