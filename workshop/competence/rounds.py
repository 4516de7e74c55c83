"""Running a round from the staff side: opening and editing it, its answering links, closing
it, and the workspace's own and retired items and coaching thresholds. Services never commit.

Answering links are derived, not stored: a link's token is an HMAC of the app's secret key over
the round (its id and the second it was created), the link's number, and for the shared link how
many times it was replaced. The database keeps only the tokens' hashes, as before, so a copy of
it still hands out no links; but the facilitator can see and print the links again at any time
instead of only once, which printing cards for a staff meeting days later needs. Replacing the
shared link (if it leaked) or revoking a personal one stops the old token working. Changing the
secret key changes every link, as it logs everyone out.
"""

import hmac
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workshop import tokens
from workshop.accounts.models import User, Workspace
from workshop.competence import services
from workshop.competence.bank import LEVELS, ROLES, Bank
from workshop.competence.models import (
    MAX_K,
    MAX_LINKS,
    MAX_UNITS,
    MIN_K,
    OwnItem,
    Response,
    RetiredItem,
    Round,
    RoundItem,
    RoundLink,
    RoundUnit,
    SurveySettings,
)
from workshop.competence.services import SurveyError, hash_token
from workshop.extensions import db
from workshop.models_base import utcnow


class Conflict(SurveyError):
    """Someone saved a newer version while this one was being edited."""

    def __init__(self):
        super().__init__("version")


class Locked(SurveyError):
    """The round has answers: its threshold, free text setting, items, roles and units stay."""

    def __init__(self):
        super().__init__("locked")


class Closed(SurveyError):
    """The round is closed."""

    def __init__(self):
        super().__init__("closed")


# --- status and counts ---------------------------------------------------------------------


def status_of(round_: Round, today: date) -> str:
    """ "upcoming", "open" or "closed" on this day."""
    if round_.closed_at is not None or today > round_.closes_on:
        return "closed"
    return "upcoming" if today < round_.opens_on else "open"


def submitted_counts(rounds: list[Round]) -> dict[int, int]:
    """How many responses each round has had submitted (one query for the lot)."""
    if not rounds:
        return {}
    rows = db.session.execute(
        select(Response.round_id, func.count())
        .where(Response.round_id.in_([r.id for r in rounds]), Response.submitted_at.is_not(None))
        .group_by(Response.round_id)
    )
    counts = dict.fromkeys((r.id for r in rounds), 0)
    counts.update({round_id: count for round_id, count in rows})
    return counts


# --- links ------------------------------------------------------------------------------------


def _derive(*parts) -> str:
    return tokens.derived("polku-survey-link", *parts)


def _round_seed(round_: Round) -> str:
    # The id alone could come back on SQLite after a round is deleted; its creation second
    # makes an old printed link of a deleted round useless for a new one.
    return f"{round_.id}:{round_.created_at:%Y%m%d%H%M%S}"


def shared_token(round_: Round) -> str | None:
    """The token of the round's shared link, or None if the round's link was not made here
    (a round opened by services.open_round alone: its random token was shown once)."""
    token = _derive("round", _round_seed(round_), round_.link_generation)
    return token if hmac.compare_digest(hash_token(token), round_.token_hash) else None


def replace_shared_link(round_: Round) -> str:
    """A new shared link; the old one stops working. Returns its token."""
    if round_.closed_at is not None:
        raise Closed()
    round_.link_generation = (round_.link_generation or 0) + 1
    token = _derive("round", _round_seed(round_), round_.link_generation)
    round_.token_hash = hash_token(token)
    return token


def personal_token(round_: Round, link: RoundLink) -> str:
    """The token of a personal link (its hash is what the link row keeps)."""
    return _derive("personal", _round_seed(round_), link.number)


def add_links(round_: Round, count: int) -> list[RoundLink]:
    """`count` new personal one-time links, numbered on from the last."""
    if round_.closed_at is not None:
        raise Closed()
    if count < 1 or len(round_.links) + count > MAX_LINKS:
        raise SurveyError("count")
    last = max((link.number for link in round_.links), default=0)
    made = []
    for number in range(last + 1, last + 1 + count):
        link = RoundLink(number=number)
        link.token_hash = hash_token(personal_token(round_, link))
        round_.links.append(link)
        made.append(link)
    db.session.flush()
    return made


def get_link(round_: Round, link_id: int) -> RoundLink | None:
    """A personal link of this round."""
    link = db.session.get(RoundLink, link_id)
    return link if link is not None and link.round_id == round_.id else None


def revoke_link(link: RoundLink) -> None:
    """The link stops working; an answer already submitted through it stays."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()


def active_links(round_: Round) -> list[RoundLink]:
    """Personal links not revoked. Which of them were used is never told apart: whoever
    handed out the numbered cards would learn from it who answered."""
    return [link for link in round_.links if link.revoked_at is None]


def used_count(round_: Round) -> int:
    """How many personal links have been used, as a count only."""
    return sum(link.used_at is not None for link in round_.links)


# --- opening, editing, closing ----------------------------------------------------------------


@dataclass(frozen=True)
class RoundData:
    """What a facilitator sets on a round."""

    name: str
    opens_on: date
    closes_on: date
    roles: list[str]
    units: list[str]
    k: int
    free_text: bool
    bank_version: str


def _check(data: RoundData) -> None:
    if not MIN_K <= data.k <= MAX_K:
        raise SurveyError("k")
    if len(data.units) > MAX_UNITS or len(set(data.units)) != len(data.units):
        raise SurveyError("units")
    if data.closes_on < data.opens_on:
        raise SurveyError("closes_on")
    if not data.roles or any(role not in ROLES for role in data.roles):
        raise SurveyError("roles")


def open_new_round(workspace: Workspace, user: User | None, data: RoundData) -> tuple[Round, str]:
    """A new round whose shared link can be shown again; returns it and that link's token."""
    _check(data)
    round_, _random_token = services.open_round(
        workspace,
        user,
        name=data.name,
        opens_on=data.opens_on,
        closes_on=data.closes_on,
        roles=data.roles,
        units=data.units,
        k=data.k,
        free_text=data.free_text,
        bank_version=data.bank_version,
    )
    round_.link_generation = 0
    token = _derive("round", _round_seed(round_), 0)
    round_.token_hash = hash_token(token)
    return round_, token


def update_round(round_: Round, version: int | None, data: RoundData) -> None:
    """Change a round. Once it has answers only its name and dates may change: the threshold,
    the free text setting, the bank version (so the items), the roles and the units stay."""
    if version != round_.version:
        raise Conflict()
    if round_.is_closed(services.local_today()):
        # Its report is out: reopened, the next answer would change it by just that answer.
        raise Closed()
    _check(data)
    current_units = [unit.name for unit in round_.units]
    if round_.locked and (
        data.k != round_.k
        or data.free_text != round_.free_text
        or data.bank_version != round_.bank_version
        or [r for r in ROLES if r in data.roles] != list(round_.roles)
        or data.units != current_units
    ):
        raise Locked()
    round_.name = data.name
    round_.opens_on, round_.closes_on = data.opens_on, data.closes_on
    if not round_.locked:
        bank = services.banks().get(data.bank_version)
        if bank is None:
            raise SurveyError("bank_version")
        round_.k, round_.free_text = data.k, data.free_text
        round_.roles = [role for role in ROLES if role in data.roles]
        if data.units != current_units:
            _replace_units(round_, data.units)
        # Until someone answers, the round asks what the bank and the workspace's own items
        # hold now (a version picked anew, an item added or retired since it was opened).
        round_.bank_version = bank.version
        round_.items.clear()
        db.session.flush()
        round_.items = services.item_choices(round_.workspace, bank)
    round_.version += 1
    db.session.flush()


def _replace_units(round_: Round, names: list[str]) -> None:
    kept = {unit.name: unit for unit in round_.units}
    round_.units = [kept.get(name) or RoundUnit(name=name) for name in names]
    for position, unit in enumerate(round_.units):
        unit.position = position
    db.session.flush()


def close_round(round_: Round) -> None:
    """Stop answering now, before the closing date."""
    if round_.closed_at is None:
        round_.closed_at = utcnow()


def previous_round(round_: Round) -> Round | None:
    """The workspace's round opened just before this one, for following up its plan."""
    return db.session.scalar(
        select(Round)
        .where(
            Round.workspace_id == round_.workspace_id,
            Round.id != round_.id,
            (Round.opens_on < round_.opens_on)
            | ((Round.opens_on == round_.opens_on) & (Round.id < round_.id)),
        )
        .order_by(Round.opens_on.desc(), Round.id.desc())
        .limit(1)
    )


# --- own and retired items --------------------------------------------------------------------


@dataclass(frozen=True)
class OwnItemData:
    """What a facilitator writes for an item of the workspace's own."""

    item_id: str
    level: str
    roles: list[str]
    text_fi: str
    text_sv: str
    text_en: str
    steps: list[str]
    categories: list[str]


def own_items(workspace: Workspace) -> list[OwnItem]:
    """The workspace's own items, retired ones too, by id."""
    return list(
        db.session.scalars(
            select(OwnItem).where(OwnItem.workspace_id == workspace.id).order_by(OwnItem.item_id)
        )
    )


def get_own_item(workspace: Workspace, own_id: int) -> OwnItem | None:
    """An own item of this workspace."""
    item = db.session.get(OwnItem, own_id)
    return item if item is not None and item.workspace_id == workspace.id else None


def retired_ids(workspace: Workspace) -> set[str]:
    """Ids of the bank items the workspace no longer asks."""
    return set(
        db.session.scalars(
            select(RetiredItem.item_id).where(RetiredItem.workspace_id == workspace.id)
        )
    )


def bank_ids() -> set[str]:
    """Every id any shipped bank version uses: an own item may not take one."""
    return {item.id for bank in services.banks().values() for item in bank.items}


def asked_ids(workspace: Workspace) -> set[str]:
    """Item ids some round of the workspace has asked."""
    return set(
        db.session.scalars(
            select(RoundItem.item_id)
            .join(Round, Round.id == RoundItem.round_id)
            .where(Round.workspace_id == workspace.id)
            .distinct()
        )
    )


def suggested_id(workspace: Workspace) -> str:
    """The next free id of the form W01, W02…"""
    taken = {item.item_id for item in own_items(workspace)} | bank_ids()
    number = 1
    while f"W{number:02d}" in taken:
        number += 1
    return f"W{number:02d}"


def _check_item(data: OwnItemData) -> None:
    if data.level not in LEVELS:
        raise SurveyError("level")
    if not data.roles or any(role not in ROLES for role in data.roles):
        raise SurveyError("roles")


def add_own_item(workspace: Workspace, data: OwnItemData) -> OwnItem:
    """A new item the workspace's next rounds ask."""
    _check_item(data)
    taken = {item.item_id for item in own_items(workspace)}
    if data.item_id in bank_ids() or data.item_id in taken:
        raise SurveyError("item_id")
    item = OwnItem(workspace_id=workspace.id, **_item_fields(data))
    db.session.add(item)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone added an item with this id a moment ago; the caller rolls back.
        raise SurveyError("item_id") from None
    return item


def update_own_item(workspace: Workspace, item: OwnItem, data: OwnItemData) -> None:
    """Change an own item; its wording only while no round has asked it (new wording, new id)."""
    _check_item(data)
    if data.item_id != item.item_id:
        raise SurveyError("item_id")
    if item.item_id in asked_ids(workspace) and (
        (data.text_fi, data.text_sv, data.text_en) != (item.text_fi, item.text_sv, item.text_en)
        or data.level != item.level
    ):
        raise Locked()
    for name, value in _item_fields(data).items():
        setattr(item, name, value)


def _item_fields(data: OwnItemData) -> dict:
    return {
        "item_id": data.item_id,
        "level": data.level,
        "roles": [role for role in ROLES if role in data.roles],
        "text_fi": data.text_fi,
        "text_sv": data.text_sv,
        "text_en": data.text_en,
        "steps": list(data.steps),
        "categories": list(data.categories),
    }


def retire(workspace: Workspace, item_id: str) -> None:
    """New rounds no longer ask this item (bank or own); rounds that asked it keep it."""
    own = db.session.scalar(
        select(OwnItem).where(OwnItem.workspace_id == workspace.id, OwnItem.item_id == item_id)
    )
    if own is not None:
        own.retired_at = own.retired_at or utcnow()
    elif item_id in bank_ids():
        if item_id not in retired_ids(workspace):
            db.session.add(RetiredItem(workspace_id=workspace.id, item_id=item_id))
    else:
        raise SurveyError("item_id")
    db.session.flush()


def restore(workspace: Workspace, item_id: str) -> None:
    """New rounds ask a retired item again."""
    own = db.session.scalar(
        select(OwnItem).where(OwnItem.workspace_id == workspace.id, OwnItem.item_id == item_id)
    )
    if own is not None:
        own.retired_at = None
    else:
        row = db.session.scalar(
            select(RetiredItem).where(
                RetiredItem.workspace_id == workspace.id, RetiredItem.item_id == item_id
            )
        )
        if row is None:
            raise SurveyError("item_id")
        db.session.delete(row)
    db.session.flush()


def bank_listing(bank: Bank) -> list:
    """The bank's items in level order."""
    return sorted(bank.items, key=lambda item: (item.level, item.id))


# --- thresholds -------------------------------------------------------------------------------

MEDIAN_CHOICES = (1, 2, 3)


def save_settings(workspace: Workspace, median_max: int, coaching_percent: int) -> SurveySettings:
    """The workspace's coaching thresholds."""
    if median_max not in MEDIAN_CHOICES:
        raise SurveyError("median_max")
    if not 1 <= coaching_percent <= 100:
        raise SurveyError("coaching_percent")
    settings = services.settings_of(workspace)
    settings.median_max, settings.coaching_percent = median_max, coaching_percent
    db.session.add(settings)
    db.session.flush()
    return settings
