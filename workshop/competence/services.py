"""Opening survey rounds and reading what they ask. Services never commit; views do.

Round administration, answering, reports and the coaching plan live in their own modules
beside this one (rounds, answering, report, coaching) and share these few helpers.
"""

from datetime import date

from flask import current_app
from sqlalchemy import select

from workshop import clock
from workshop.accounts.models import User, Workspace
from workshop.competence.aggregate import RoundReport, Thresholds, build_report
from workshop.competence.bank import ROLES, Bank, load_banks
from workshop.competence.models import (
    DEFAULT_COACHING_PERCENT,
    DEFAULT_K,
    DEFAULT_MEDIAN_MAX,
    MIN_K,
    OwnItem,
    RetiredItem,
    Round,
    RoundItem,
    RoundUnit,
    SurveySettings,
)
from workshop.extensions import db

# The survey's modules import the token helpers from here.
from workshop.tokens import hash_token, new_token  # noqa: F401

TOKEN_MAX = 100


class SurveyError(Exception):
    """A survey action that cannot be done; `field` names the form field it concerns."""

    def __init__(self, field: str, message: str = ""):
        super().__init__(field, message)
        self.field, self.message = field, message


def banks() -> dict[str, Bank]:
    """Every item bank version shipped with this installation."""
    return load_banks(current_app.config["SURVEY_BANK_DIR"])


def latest_bank() -> Bank:
    """The newest bank version (versions are named so they sort by age)."""
    shipped = banks()
    return shipped[max(shipped)]


def bank_of(round_: Round) -> Bank | None:
    """The bank version a round was opened with, if this installation still ships it."""
    return banks().get(round_.bank_version)


def settings_of(workspace: Workspace) -> SurveySettings:
    """The workspace's coaching thresholds, the defaults until someone changes them."""
    settings = db.session.get(SurveySettings, workspace.id)
    if settings is None:
        settings = SurveySettings(workspace_id=workspace.id)
        # Defaults are column defaults; set them here too so an unsaved object reads right.
        settings.median_max = DEFAULT_MEDIAN_MAX
        settings.coaching_percent = DEFAULT_COACHING_PERCENT
    return settings


def thresholds_of(workspace: Workspace) -> Thresholds:
    """When the workspace flags an item for coaching."""
    settings = settings_of(workspace)
    return Thresholds(settings.median_max, settings.coaching_percent / 100)


def local_today() -> date:
    """Today where the workspace's dates are meant (the one clock, workshop/clock.py)."""
    return clock.today()


def report_of(round_: Round) -> RoundReport:
    """The round's report under its anonymity threshold and its workspace's coaching flags."""
    return build_report(round_, thresholds_of(round_.workspace), local_today())


def item_choices(workspace: Workspace, bank: Bank) -> list[RoundItem]:
    """The items a new round of this workspace asks: the bank's and its own, minus retired ones."""
    retired = set(
        db.session.scalars(
            select(RetiredItem.item_id).where(RetiredItem.workspace_id == workspace.id)
        )
    )
    chosen = [
        RoundItem(
            item_id=item.id,
            level=item.level,
            text_fi=item.text.fi,
            text_sv=item.text.sv,
            text_en=item.text.en,
            roles=list(item.roles),
            steps=list(item.steps),
            categories=list(item.categories),
        )
        for item in bank.items
        if item.id not in retired
    ]
    own = db.session.scalars(
        select(OwnItem)
        .where(OwnItem.workspace_id == workspace.id, OwnItem.retired_at.is_(None))
        .order_by(OwnItem.item_id)
    )
    chosen += [RoundItem(**item.content()) for item in own]
    # Levels first (A, B, C), then the id, so a respondent meets the items in a steady order.
    chosen.sort(key=lambda item: (item.level, item.item_id))
    for position, item in enumerate(chosen):
        item.position = position
    return chosen


def open_round(
    workspace: Workspace,
    user: User | None,
    *,
    name: str,
    opens_on: date,
    closes_on: date,
    roles: list[str],
    units: list[str],
    k: int = DEFAULT_K,
    free_text: bool = False,
    bank_version: str | None = None,
) -> tuple[Round, str]:
    """A new round with its items copied in; returns it and the token of its shared link."""
    bank = banks().get(bank_version) if bank_version else latest_bank()
    if bank is None:
        raise SurveyError("bank_version")
    if k < MIN_K:
        raise SurveyError("k")
    if closes_on < opens_on:
        raise SurveyError("closes_on")
    if not roles or any(role not in ROLES for role in roles):
        raise SurveyError("roles")
    token, token_hash = new_token()
    round_ = Round(
        workspace_id=workspace.id,
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        bank_version=bank.version,
        k=k,
        free_text=free_text,
        roles=[role for role in ROLES if role in roles],
        token_hash=token_hash,
        created_by_id=user.id if user else None,
    )
    round_.units = [RoundUnit(name=unit, position=i) for i, unit in enumerate(units)]
    round_.items = item_choices(workspace, bank)
    db.session.add(round_)
    db.session.flush()
    return round_, token


def rounds_of(workspace: Workspace) -> list[Round]:
    """The workspace's rounds, newest first."""
    return list(
        db.session.scalars(
            select(Round)
            .where(Round.workspace_id == workspace.id)
            .order_by(Round.opens_on.desc(), Round.id.desc())
        )
    )


def get_round(workspace: Workspace, round_id: int) -> Round | None:
    """A round of this workspace; another workspace's round is as good as missing."""
    round_ = db.session.get(Round, round_id)
    return round_ if round_ is not None and round_.workspace_id == workspace.id else None
