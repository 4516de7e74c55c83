"""Making and finding follow-ups and their schedule of check-ins.

Status changes, links, due lists, the calendar and reminders build on these (see the modules
beside this one). Services never commit; the view does.
"""

import calendar
from datetime import date, timedelta

from sqlalchemy import select

from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.followup.models import (
    CheckIn,
    CheckInKind,
    EventKind,
    FollowStatus,
    FollowUp,
    FollowUpEvent,
)
from workshop.sprints.models import Decision, Experiment

# The first step is confirmed within two weeks of its day; the outcome between 6 and 12 months.
FIRST_STEP_DAYS = 30
FIRST_STEP_GRACE_DAYS = 14
WITNESS_MONTHS = 3
WITNESS_GRACE_DAYS = 30
OUTCOME_MONTHS = 6
OUTCOME_LAST_MONTHS = 12


class FollowUpError(Exception):
    """A follow-up change that cannot be done; `reason` names why, the view says it in words."""

    def __init__(self, reason: str, detail=None):
        super().__init__(reason, detail)
        self.reason, self.detail = reason, detail


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or that month's last day (31.1. + 1 month is 28.2.)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(agreed_on: date) -> list[tuple[CheckInKind, date, date]]:
    """The check-ins of something agreed on that day: (kind, due on, last day on time)."""
    first = agreed_on + timedelta(days=FIRST_STEP_DAYS)
    witness = add_months(agreed_on, WITNESS_MONTHS)
    return [
        (CheckInKind.FIRST_STEP, first, first + timedelta(days=FIRST_STEP_GRACE_DAYS)),
        (CheckInKind.WITNESS, witness, witness + timedelta(days=WITNESS_GRACE_DAYS)),
        (
            CheckInKind.OUTCOME,
            add_months(agreed_on, OUTCOME_MONTHS),
            add_months(agreed_on, OUTCOME_LAST_MONTHS),
        ),
    ]


def create_follow_up(
    workspace: Workspace,
    user: User | None,
    title: str,
    agreed_on: date,
    due_on: date | None = None,
    owner_user: User | None = None,
    owner_name: str = "",
    owner_organisation: str = "",
    owner_email: str = "",
    decision: Decision | None = None,
    experiment: Experiment | None = None,
) -> FollowUp:
    """A new follow-up with its three check-ins scheduled from the day it was agreed."""
    if due_on is not None and due_on < agreed_on:
        raise FollowUpError("due_before_agreed")
    follow_up = FollowUp(
        workspace=workspace,
        title=title.strip(),
        owner_user=owner_user,
        owner_name="" if owner_user else owner_name.strip(),
        owner_organisation="" if owner_user else owner_organisation.strip(),
        owner_email="" if owner_user else owner_email.strip(),
        agreed_on=agreed_on,
        due_on=due_on,
        decision=decision,
        experiment=experiment,
        created_by_id=user.id if user else None,
    )
    follow_up.check_ins = [
        CheckIn(kind=kind, due_on=due, last_on=last) for kind, due, last in schedule(agreed_on)
    ]
    follow_up.events = [FollowUpEvent(kind=EventKind.CREATED, user_id=user.id if user else None)]
    db.session.add(follow_up)
    db.session.flush()
    return follow_up


def get_follow_up(workspace: Workspace, follow_up_id: int) -> FollowUp | None:
    """The workspace's follow-up by id, or None (also for another workspace's)."""
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or follow_up.workspace_id != workspace.id:
        return None
    return follow_up


def follow_ups_of(workspace: Workspace) -> list[FollowUp]:
    """Every follow-up of the workspace, the soonest due first."""
    return list(
        db.session.scalars(
            select(FollowUp)
            .where(FollowUp.workspace_id == workspace.id)
            .order_by(FollowUp.due_on.is_(None), FollowUp.due_on, FollowUp.id)
        )
    )


def due_check_ins(today: date, workspace: Workspace | None = None) -> list[CheckIn]:
    """Check-ins not yet done whose day has come, of follow-ups still going (of one workspace,
    or of all for reminders), the most overdue first."""
    query = (
        select(CheckIn)
        .join(CheckIn.follow_up)
        .where(
            CheckIn.done_at.is_(None),
            CheckIn.due_on <= today,
            FollowUp.status.in_((FollowStatus.OPEN, FollowStatus.IN_PROGRESS)),
        )
        .order_by(CheckIn.due_on, CheckIn.id)
    )
    if workspace is not None:
        query = query.where(FollowUp.workspace_id == workspace.id)
    return list(db.session.scalars(query))


def is_overdue(check_in: CheckIn, today: date) -> bool:
    """True once the last day on time has passed without the check-in done."""
    return check_in.done_at is None and today > check_in.last_on
