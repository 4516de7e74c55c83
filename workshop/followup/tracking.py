"""A follow-up on its way: status changes with their history, check-ins answered, a witness's
comments and confirmations, and the list of check-ins due. Services never commit.

A follow-up made from a sprint's decision or experiment keeps that item's own status in step,
so the sprint's page and its summary say the same as the follow-up.
"""

from dataclasses import dataclass
from datetime import date

from flask import Flask, current_app
from sqlalchemy import select

from workshop import clock
from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.followup import links
from workshop.followup.models import (
    NOTE_MAX,
    REASON_MAX,
    TITLE_MAX,
    CheckIn,
    CheckInKind,
    EventKind,
    FollowStatus,
    FollowUp,
    FollowUpEvent,
    FollowUpLink,
    LinkRole,
)
from workshop.followup.services import FollowUpError, create_follow_up, due_check_ins, is_overdue
from workshop.sprints.models import Decision, DecisionStatus, ExperimentStatus

# An experiment's own words for where it stands; "done" keeps a failed trial failed.
_EXPERIMENT_STATUS = {
    FollowStatus.OPEN: ExperimentStatus.PLANNED,
    FollowStatus.IN_PROGRESS: ExperimentStatus.RUNNING,
    FollowStatus.DONE: ExperimentStatus.SUCCEEDED,
    FollowStatus.DROPPED: ExperimentStatus.STOPPED,
}


_COMMITMENT_OF = "polku.followup_commitment_of"


def init_app(app: Flask, commitment_of) -> None:
    """Take sparring's finder of the commitment behind a follow-up (a higher layer, so
    create_app hands it down): anything with first_when, first_then, indicator and target."""
    app.extensions[_COMMITMENT_OF] = commitment_of


def commitment_of(follow_up: FollowUp):
    """The sparring commitment a follow-up was made for, or None."""
    finder = current_app.extensions.get(_COMMITMENT_OF)
    return finder(follow_up) if finder else None


@dataclass(frozen=True)
class Due:
    """A check-in whose day has come, and whether its last day on time has passed."""

    check_in: CheckIn
    overdue: bool

    @property
    def follow_up(self) -> FollowUp:
        return self.check_in.follow_up


def _clean(text: str | None, limit: int, reason: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise FollowUpError(reason, limit)
    return text


def _who(user: User | None, link: FollowUpLink | None) -> dict:
    return {"user_id": user.id if user else None, "link_id": link.id if link else None}


def parse_status(value: str | None) -> FollowStatus:
    """One of the four statuses, or FollowUpError("unknown_status") for anything forged."""
    try:
        return FollowStatus(value)
    except ValueError:
        raise FollowUpError("unknown_status") from None


def set_status(
    follow_up: FollowUp,
    value: str | None,
    version: int | None,
    reason: str = "",
    user: User | None = None,
    link: FollowUpLink | None = None,
) -> None:
    """Move the follow-up to another status; dropping needs a reason, a stale form is refused."""
    status = parse_status(value)
    if version is None or version != follow_up.version:
        raise FollowUpError("stale")
    reason = _clean(reason, REASON_MAX, "reason_too_long")
    if status == FollowStatus.DROPPED and not reason:
        raise FollowUpError("reason_required")
    if status == follow_up.status and reason == follow_up.dropped_reason:
        return
    before = follow_up.status
    follow_up.status = status
    follow_up.dropped_reason = reason if status == FollowStatus.DROPPED else ""
    follow_up.done_at = clock.now() if status == FollowStatus.DONE else None
    follow_up.version += 1
    follow_up.events.append(
        FollowUpEvent(
            kind=EventKind.STATUS,
            at=clock.now(),
            from_status=before.value,
            to_status=status.value,
            text=follow_up.dropped_reason,
            **_who(user, link),
        )
    )
    _keep_sprint_item_in_step(follow_up)


def _keep_sprint_item_in_step(follow_up: FollowUp) -> None:
    if follow_up.decision is not None:
        follow_up.decision.status = DecisionStatus(follow_up.status.value)
        follow_up.decision.version += 1
    experiment = follow_up.experiment
    if experiment is not None:
        wanted = _EXPERIMENT_STATUS[follow_up.status]
        if not (
            wanted == ExperimentStatus.SUCCEEDED and experiment.status == ExperimentStatus.FAILED
        ):
            experiment.status = wanted
            experiment.version += 1


def check_in_of(follow_up: FollowUp, kind_value: str | None) -> CheckIn:
    """The follow-up's check-in of that kind; FollowUpError for a forged kind."""
    try:
        kind = CheckInKind(kind_value)
    except ValueError:
        raise FollowUpError("unknown_check_in") from None
    return next(c for c in follow_up.check_ins if c.kind == kind)


def record_check_in(
    follow_up: FollowUp,
    kind_value: str | None,
    note: str,
    user: User | None = None,
    link: FollowUpLink | None = None,
) -> CheckIn:
    """Answer a check-in: the first step taken, the status with the witness, or the outcome
    against the indicator (which needs a note saying what it is)."""
    check_in = check_in_of(follow_up, kind_value)
    if check_in.done_at is not None:
        raise FollowUpError("check_in_done")
    note = _clean(note, NOTE_MAX, "note_too_long")
    if check_in.kind == CheckInKind.OUTCOME and not note:
        raise FollowUpError("note_required")
    _mark_done(check_in, note, user, link)
    return check_in


def _mark_done(check_in: CheckIn, note: str, user, link) -> None:
    check_in.done_at = clock.now()
    check_in.done_by_id = user.id if user else None
    check_in.done_by_link_id = link.id if link else None
    check_in.note = note
    check_in.follow_up.events.append(
        FollowUpEvent(
            kind=EventKind.CHECK_IN,
            at=clock.now(),
            to_status=check_in.kind.value,
            text=note,
            **_who(user, link),
        )
    )


def comment(follow_up: FollowUp, link: FollowUpLink, text: str) -> None:
    """A witness's or outside owner's comment, kept in the history."""
    text = _clean(text, NOTE_MAX, "note_too_long")
    if not text:
        raise FollowUpError("note_required")
    follow_up.events.append(
        FollowUpEvent(kind=EventKind.COMMENT, at=clock.now(), text=text, **_who(None, link))
    )


def confirm(follow_up: FollowUp, link: FollowUpLink, text: str = "") -> None:
    """The witness confirms what they saw; an open witness check-in is done with it."""
    text = _clean(text, NOTE_MAX, "note_too_long")
    follow_up.events.append(
        FollowUpEvent(kind=EventKind.CONFIRM, at=clock.now(), text=text, **_who(None, link))
    )
    witness = check_in_of(follow_up, CheckInKind.WITNESS.value)
    if witness.done_at is None:
        _mark_done(witness, text, None, link)


def next_check_in(follow_up: FollowUp) -> CheckIn | None:
    """The first check-in not yet done, unless the follow-up is finished."""
    if follow_up.is_finished:
        return None
    return next((c for c in follow_up.check_ins if c.done_at is None), None)


def due_list(workspace: Workspace, today: date | None = None) -> list[Due]:
    """The workspace's check-ins due today or earlier, marked overdue once late."""
    today = today or clock.today()
    return [Due(c, is_overdue(c, today)) for c in due_check_ins(today, workspace)]


def follow_up_of_sprint_item(item) -> FollowUp | None:
    """The follow-up already made for a sprint's decision or experiment, if any."""
    column = FollowUp.decision_id if isinstance(item, Decision) else FollowUp.experiment_id
    return db.session.scalar(select(FollowUp).where(column == item.id))


def follow_sprint_item(workspace: Workspace, user: User, today: date, item) -> FollowUp:
    """Follow up a sprint's decision or experiment from today: owner and due date from it,
    and a link for an owner outside the workspace."""
    if isinstance(item, Decision):
        title, due_on = item.text, item.due_on
        owner_user, owner_name = item.owner_user, item.owner_name
        organisation = item.owner_organisation.name if item.owner_organisation else ""
        kwargs = {"decision": item}
        status = FollowStatus(item.status.value)
    else:
        title, due_on, owner_user, owner_name, organisation = (
            item.title,
            item.ends_on,
            None,
            item.owner,
            "",
        )
        kwargs = {"experiment": item}
        status = (
            FollowStatus.IN_PROGRESS
            if item.status == ExperimentStatus.RUNNING
            else FollowStatus.OPEN
        )
    title = " ".join(title.split())
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    follow_up = create_follow_up(
        workspace,
        user,
        title,
        agreed_on=today,
        due_on=max(due_on, today) if due_on else None,
        owner_user=owner_user,
        owner_name=owner_name,
        owner_organisation=organisation,
        **kwargs,
    )
    follow_up.status = status
    if owner_user is None and owner_name.strip():
        links.create_link(follow_up, LinkRole.OWNER, owner_name, organisation, user=user)
    return follow_up
