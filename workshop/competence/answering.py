"""Answering a round without an account: starting and resuming on one device, saving answers
as they come, submitting, and the respondent's own report and its opt-in share links.

A response is found again only through the token in the device's cookie (its hash is stored);
nothing here records who answered. Services never commit; views do.
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from workshop.competence.bank import LEVELS, Bank
from workshop.competence.models import (
    FREE_TEXT_MAX,
    SUPERVISOR_MAX,
    Answer,
    AnswerKind,
    ReportShare,
    Response,
    Round,
    RoundItem,
    RoundLink,
)
from workshop.competence.services import TOKEN_MAX, hash_token, local_today, new_token
from workshop.extensions import db
from workshop.models_base import utcnow

# What new_token() makes: URL-safe base64. Anything else cannot be one of ours.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,100}$")
CHOICES = ("1", "2", "3", "4", "5", "na", "dk")
TEXT_PAGE = "text"
REVIEW_PAGE = "review"
MAX_SHARES = 10


class Refused(Exception):
    """An answering step that cannot be done; `reason` names why, the view says it in words."""

    def __init__(self, reason: str, detail=None):
        super().__init__(reason, detail)
        self.reason, self.detail = reason, detail


class ShareGone(Exception):
    """The share link was revoked by the respondent."""


def well_formed(token: str | None) -> bool:
    """True if the token could be one we made (checked before hashing anything sent)."""
    return bool(token) and len(token) <= TOKEN_MAX and _TOKEN.match(token) is not None


def round_for_token(token: str) -> Round | None:
    """The round whose shared link this is."""
    if not well_formed(token):
        return None
    return db.session.scalar(select(Round).where(Round.token_hash == hash_token(token)))


def link_for_token(token: str) -> RoundLink | None:
    """The personal link with this token, revoked or used or not."""
    if not well_formed(token):
        return None
    return db.session.scalar(select(RoundLink).where(RoundLink.token_hash == hash_token(token)))


def state_of(round_: Round, on: date) -> str:
    """ "open", "not_yet" (before its first day) or "closed"."""
    if round_.closed_at is not None or on > round_.closes_on:
        return "closed"
    if on < round_.opens_on:
        return "not_yet"
    return "open"


def response_for_device(round_: Round, device_token: str | None) -> Response | None:
    """The response this device started in the round, if its cookie names one."""
    if not well_formed(device_token):
        return None
    return db.session.scalar(
        select(Response).where(
            Response.round_id == round_.id, Response.device_hash == hash_token(device_token)
        )
    )


def response_of_link(link: RoundLink) -> Response | None:
    """The response a personal link is bound to, if it was started."""
    return db.session.scalar(select(Response).where(Response.link_id == link.id))


def link_refusal(link: RoundLink) -> str | None:
    """Why a personal link no longer opens answering: "revoked", "used", or None."""
    if link.revoked_at is not None:
        return "revoked"
    if link.used_at is not None:
        return "used"
    return None


def _check_about(round_: Round, role: str, unit_id: int | None) -> None:
    if role not in round_.roles:
        raise Refused("role")
    if round_.units:
        if unit_id not in {unit.id for unit in round_.units}:
            raise Refused("unit")
    elif unit_id is not None:
        raise Refused("unit")


def _check_answering(round_: Round, response: Response | None = None) -> None:
    if response is not None and response.submitted_at is not None:
        raise Refused("submitted")
    state = state_of(round_, local_today())
    if state != "open":
        raise Refused(state)


def start(
    round_: Round, role: str, unit_id: int | None, link: RoundLink | None = None
) -> tuple[Response, str]:
    """A new response on this device (bound to the personal link if one is given); returns it
    and the device token for the cookie."""
    _check_answering(round_)
    _check_about(round_, role, unit_id)
    if link is not None:
        if link.round_id != round_.id:
            raise Refused("link")
        refusal = link_refusal(link)
        if refusal:
            raise Refused(refusal)
        if response_of_link(link) is not None:
            raise Refused("link_taken")
    token, device_hash = new_token()
    response = Response(
        round_id=round_.id,
        link_id=link.id if link else None,
        device_hash=device_hash,
        role=role,
        unit_id=unit_id,
        free_text="",
    )
    db.session.add(response)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # Another device started this personal link a moment earlier.
        raise Refused("link_taken") from None
    return response, token


def move_to_device(response: Response) -> str:
    """Continue a personal link's unsent answers on this device; the other device loses them."""
    _check_answering(response.round, response)
    if response.link is not None and link_refusal(response.link):
        raise Refused(link_refusal(response.link))
    token, response.device_hash = new_token()
    return token


def change_about(response: Response, role: str, unit_id: int | None) -> None:
    """The respondent's role and unit, changed before sending."""
    _check_answering(response.round, response)
    _check_about(response.round, role, unit_id)
    response.role, response.unit_id = role, unit_id


def parse_choice(raw: str | None) -> tuple[AnswerKind, int | None] | None:
    """(kind, value) from a form's answer, None when nothing was picked; Refused otherwise."""
    if raw is None or raw == "":
        return None
    if raw not in CHOICES:
        raise Refused("value")
    if raw in ("na", "dk"):
        return AnswerKind(raw), None
    return AnswerKind.SCALE, int(raw)


def _lock(round_: Round) -> None:
    """The first saved answer locks the round's threshold, free text setting and items."""
    if round_.locked_at is None:
        db.session.execute(
            update(Round)
            .where(Round.id == round_.id, Round.locked_at.is_(None))
            .values(locked_at=utcnow())
        )
        db.session.expire(round_, ["locked_at"])


def item_of(round_: Round, round_item_id: int | None) -> RoundItem | None:
    """One of the round's items, or None for another round's or none at all."""
    return next((item for item in round_.items if item.id == round_item_id), None)


def save_answers(
    response: Response, answers: dict[int, tuple[str | None, bool]]
) -> list[RoundItem]:
    """Save {round item id: (raw choice, coaching wanted)}; refuses the whole lot if any part
    is wrong, so nothing changes. Returns the items saved (an item with no choice is skipped)."""
    round_ = response.round
    _check_answering(round_, response)
    parsed = []
    for item_id, (raw, coaching) in answers.items():
        item = item_of(round_, item_id)
        if item is None:
            raise Refused("item")
        choice = parse_choice(raw)
        if choice is not None:
            parsed.append((item, choice, coaching))
    if not parsed:
        return []
    existing = {answer.round_item_id: answer for answer in response.answers}
    for item, (kind, value), coaching in parsed:
        answer = existing.get(item.id)
        if answer is None:
            answer = Answer(response=response, round_item_id=item.id)
            db.session.add(answer)
        answer.kind, answer.value, answer.coaching = kind, value, bool(coaching)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        # The same item saved at the same moment by another request (htmx and "Next"): that
        # one's answer stands; send this one again to overwrite it.
        raise Refused("busy") from None
    _lock(round_)
    return [item for item, _choice, _coaching in parsed]


def save_free_text(response: Response, text: str) -> None:
    """The respondent's free text (only asked when the round asks it)."""
    _check_answering(response.round, response)
    if not response.round.free_text:
        raise Refused("free_text")
    if len(text) > FREE_TEXT_MAX:
        raise Refused("too_long")
    response.free_text = text
    if text:
        _lock(response.round)


def missing(response: Response) -> list[RoundItem]:
    """The round's items this response has not answered yet, in the round's order."""
    answered = {answer.round_item_id for answer in response.answers}
    return [item for item in response.round.items if item.id not in answered]


def levels_of(round_: Round) -> list[str]:
    """The levels the round has items on, in order: one page each."""
    present = {item.level for item in round_.items}
    return [level for level in LEVELS if level in present]


def pages_of(round_: Round) -> list[str]:
    """Every page of answering after "about you": the levels, free text if asked, review."""
    return [*levels_of(round_), *([TEXT_PAGE] if round_.free_text else []), REVIEW_PAGE]


def resume_page(response: Response) -> str:
    """Where the respondent left off: the first level with an unanswered item, else the
    free text if it is empty, else the review."""
    gaps = missing(response)
    if gaps:
        return gaps[0].level
    if response.round.free_text and not response.free_text:
        return TEXT_PAGE
    return REVIEW_PAGE


def submit(response: Response) -> None:
    """Send the answers: every item needs one. A personal link is used up by it."""
    _check_answering(response.round, response)
    gaps = missing(response)
    if gaps:
        raise Refused("missing", gaps)
    now = utcnow()
    response.submitted_at = now
    if response.link is not None:
        response.link.used_at = now


# --- the respondent's own report -------------------------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    """One item as this respondent answered it."""

    item: RoundItem
    answer: Answer | None
    concerns_role: bool


@dataclass(frozen=True)
class LevelProfile:
    """A level as this respondent sees it: their mean, how many NA / can't say, expected or not."""

    level: str
    expected: bool
    mean: float | None
    scale_count: int
    na: int
    dk: int
    rows: list[ItemRow]

    @property
    def coaching(self) -> list[RoundItem]:
        return [row.item for row in self.rows if row.answer is not None and row.answer.coaching]


@dataclass(frozen=True)
class Profile:
    """The respondent's profile by level against what their role is expected to master."""

    role: str
    levels: list[LevelProfile]

    @property
    def coaching(self) -> list[RoundItem]:
        return [item for level in self.levels for item in level.coaching]


def profile(response: Response, bank: Bank | None) -> Profile:
    """The respondent's own profile: mean of their 1–5 answers per level, NA and "can't say"
    counted apart, the levels their role is expected to master, their coaching wishes."""
    role = response.role or ""
    expected: tuple[str, ...] = ()
    if bank is not None:
        expected = next((r.expected for r in bank.roles if r.id == role), ())
    answers = {answer.round_item_id: answer for answer in response.answers}
    levels = []
    for level in levels_of(response.round):
        rows = [
            ItemRow(item, answers.get(item.id), role in item.roles)
            for item in response.round.items
            if item.level == level
        ]
        values = [
            row.answer.value
            for row in rows
            if row.answer is not None and row.answer.kind == AnswerKind.SCALE
        ]
        kinds = [row.answer.kind for row in rows if row.answer is not None]
        levels.append(
            LevelProfile(
                level=level,
                expected=level in expected,
                mean=sum(values) / len(values) if values else None,
                scale_count=len(values),
                na=kinds.count(AnswerKind.NA),
                dk=kinds.count(AnswerKind.DK),
                rows=rows,
            )
        )
    return Profile(role, levels)


# --- sharing the report with a supervisor ----------------------------------------------------


def share(response: Response, supervisor: str) -> tuple[ReportShare, str]:
    """A read-only link to the respondent's report for the named supervisor; returns its token."""
    if response.submitted_at is None:
        raise Refused("not_sent")
    supervisor = supervisor.strip()
    if not supervisor or len(supervisor) > SUPERVISOR_MAX:
        raise Refused("supervisor")
    if sum(1 for s in response.shares if s.revoked_at is None) >= MAX_SHARES:
        raise Refused("too_many_shares")
    token, token_hash = new_token()
    link = ReportShare(response=response, supervisor_name=supervisor, token_hash=token_hash)
    db.session.add(link)
    db.session.flush()
    return link, token


def revoke(response: Response, share_id: int | None) -> ReportShare | None:
    """Stop one of the respondent's share links; None if it is not theirs."""
    link = next((s for s in response.shares if s.id == share_id), None)
    if link is not None and link.revoked_at is None:
        link.revoked_at = utcnow()
    return link


def find_share(token: str) -> ReportShare | None:
    """The share link with this token; ShareGone once the respondent revoked it."""
    if not well_formed(token):
        return None
    link = db.session.scalar(select(ReportShare).where(ReportShare.token_hash == hash_token(token)))
    if link is not None and link.revoked_at is not None:
        raise ShareGone()
    return link
