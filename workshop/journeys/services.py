"""Journeys and what is in them: the rules, without requests or commits.

Every change goes through `record_change`, which bumps the journey's version counter in SQL and logs
the activity in the same transaction. Being an UPDATE of the journey row, it also makes
concurrent changes to one journey queue one after another, so positions stay unique.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import selectinload

from workshop.accounts.models import Membership, User, Workspace
from workshop.extensions import db
from workshop.journey_templates.loader import JourneyTemplate
from workshop.journeys import document
from workshop.journeys.models import (
    Activity,
    Channel,
    Journey,
    JourneyKind,
    Lane,
    LaneKind,
    Stage,
    Step,
    StepSuggestion,
)
from workshop.models_base import utcnow

MAX_STEPS = 1000
# A deleted journey can be restored for this long; after that it goes for good.
KEEP_DELETED = timedelta(days=14)
# Stages or lanes of one journey: far more than a readable map has, few enough to render.
MAX_COLUMNS = 60


class JourneyError(Exception):
    """A rule about journeys was broken."""


class Conflict(JourneyError):
    """Someone saved a newer version of the thing being edited."""

    def __init__(self, current):
        super().__init__(current)
        self.current = current


class NotInJourney(JourneyError):
    """A stage, lane or step named in a request belongs to another journey (or none)."""


class TooLarge(JourneyError):
    """The journey would grow beyond what Polku handles."""


def new_key() -> str:
    """A stable identity for a step, kept when the journey is duplicated."""
    return uuid.uuid4().hex


def record_change(journey: Journey, user: User | None, action: str, subject: str = "") -> None:
    """Count a change to the journey and log who made it, in this transaction.

    Called before a change reads what it changes: the UPDATE takes the journey's row, so a
    second change to the same journey waits here until the first one has committed.
    """
    now = utcnow()
    version = db.session.execute(
        update(Journey)
        .where(Journey.id == journey.id)
        .values(
            version=Journey.version + 1,
            updated_at=now,
            updated_by_id=user.id if user else None,
        )
        .returning(Journey.version),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    db.session.add(
        Activity(
            journey_id=journey.id,
            user_id=user.id if user else None,
            action=action,
            subject=subject[:120],
            journey_version=version,
            created_at=now,
        )
    )
    db.session.flush()
    # The counter changed in SQL; the loaded object should not keep showing the old one.
    db.session.expire(journey, ["version", "updated_at", "updated_by_id", "updated_by"])


# --- reading -----------------------------------------------------------------------------------


def journeys_of(workspace: Workspace) -> list[Journey]:
    """The workspace's journeys, most recently changed first, with who changed them."""
    return list(
        db.session.scalars(
            select(Journey)
            .where(Journey.workspace_id == workspace.id, Journey.deleted_at.is_(None))
            .options(selectinload(Journey.updated_by))
            .order_by(Journey.updated_at.desc(), Journey.id.desc())
        )
    )


def get_journey(workspace: Workspace, journey_id: int) -> Journey | None:
    """A journey of this workspace; None for another workspace's."""
    return db.session.scalar(
        select(Journey).where(
            Journey.id == journey_id,
            Journey.workspace_id == workspace.id,
            Journey.deleted_at.is_(None),
        )
    )


def journey_version(workspace: Workspace, journey_id: int) -> int | None:
    """The change counter of a journey of this workspace, in one small query; None if absent."""
    return db.session.scalar(
        select(Journey.version).where(
            Journey.id == journey_id,
            Journey.workspace_id == workspace.id,
            Journey.deleted_at.is_(None),
        )
    )


# Built once: every open board asks this every 2 s, and building the statement cost more than
# running it (bench/server_bench.py, the unchanged poll).
_MEMBER_JOURNEY_VERSION = (
    select(Journey.version)
    .join(
        Membership,
        (Membership.workspace_id == Journey.workspace_id)
        & (Membership.user_id == bindparam("user_id")),
    )
    .where(
        Journey.id == bindparam("journey_id"),
        Journey.workspace_id == bindparam("workspace_id"),
        Journey.deleted_at.is_(None),
    )
)


def member_journey_version(user_id: int, workspace_id: int, journey_id: int) -> int | None:
    """The change counter of a journey, if the user is a member of its workspace; one query."""
    # On the session's connection, past the ORM's execution path: the row is one integer.
    return (
        db.session.connection()
        .execute(
            _MEMBER_JOURNEY_VERSION,
            {"user_id": user_id, "workspace_id": workspace_id, "journey_id": journey_id},
        )
        .scalar()
    )


def step_count(journey: Journey) -> int:
    """How many steps the journey has outside the trash."""
    return db.session.scalar(
        select(func.count(Step.id)).where(Step.journey_id == journey.id, Step.deleted_at.is_(None))
    )


@dataclass
class Board:
    """Everything a board page shows, loaded in a fixed number of queries."""

    journey: Journey
    stages: list[Stage]
    lanes: list[Lane]
    cells: dict[tuple[int, int], list[Step]] = field(default_factory=dict)
    trash_count: int = 0

    def steps_in(self, stage: Stage, lane: Lane) -> list[Step]:
        return self.cells.get((stage.id, lane.id), [])

    @property
    def steps(self) -> list[Step]:
        """Every live step in reading order: stage by stage, lane by lane, top to bottom."""
        return [
            s for stage in self.stages for lane in self.lanes for s in self.steps_in(stage, lane)
        ]


def load_board(journey: Journey) -> Board:
    """Stages, lanes and live steps (with their suggestions) of a journey."""
    stages = list(
        db.session.scalars(
            select(Stage).where(Stage.journey_id == journey.id).order_by(Stage.position)
        )
    )
    lanes = list(
        db.session.scalars(
            select(Lane).where(Lane.journey_id == journey.id).order_by(Lane.position)
        )
    )
    steps = db.session.scalars(
        select(Step)
        .where(Step.journey_id == journey.id)
        .options(selectinload(Step.suggestions))
        .order_by(Step.position, Step.id)
    )
    board = Board(journey, stages, lanes)
    cells = defaultdict(list)
    for step in steps:
        if step.deleted_at is None:
            cells[(step.stage_id, step.lane_id)].append(step)
        else:
            board.trash_count += 1
    board.cells = dict(cells)
    return board


def get_step(journey: Journey, step_id: int) -> Step | None:
    """A step of this journey (trashed or not)."""
    return db.session.scalar(select(Step).where(Step.id == step_id, Step.journey_id == journey.id))


def get_stage(journey: Journey, stage_id: int) -> Stage | None:
    """A stage of this journey."""
    return db.session.scalar(
        select(Stage).where(Stage.id == stage_id, Stage.journey_id == journey.id)
    )


def get_lane(journey: Journey, lane_id: int) -> Lane | None:
    """A lane of this journey."""
    return db.session.scalar(select(Lane).where(Lane.id == lane_id, Lane.journey_id == journey.id))


def trashed_steps(journey: Journey) -> list[Step]:
    """Steps in the journey's trash, most recently deleted first."""
    return list(
        db.session.scalars(
            select(Step)
            .where(Step.journey_id == journey.id, Step.deleted_at.is_not(None))
            .options(
                selectinload(Step.stage), selectinload(Step.lane), selectinload(Step.deleted_by)
            )
            .order_by(Step.deleted_at.desc())
        )
    )


def recent_activity(journey: Journey, limit: int = 20) -> list[Activity]:
    """The latest changes to the journey, newest first."""
    return list(
        db.session.scalars(
            select(Activity)
            .where(Activity.journey_id == journey.id)
            .options(selectinload(Activity.user))
            .order_by(Activity.id.desc())
            .limit(limit)
        )
    )


# --- journeys ----------------------------------------------------------------------------------


def create_journey(
    workspace: Workspace,
    user: User,
    name: str,
    kind: JourneyKind,
    language: str,
    description: str = "",
    template: JourneyTemplate | None = None,
) -> Journey:
    """A new journey, blank or copied from a template in the given language."""
    shape = template_document(template, language) if template else blank_document(language)
    journey, _steps = new_journey(
        workspace.id,
        user,
        replace(shape, name=name.strip(), kind=kind, description=description.strip()),
    )
    record_change(journey, user, "journey_created", journey.name)
    return journey


def blank_document(language: str) -> document.JourneyDocument:
    """A journey of one stage and the five actors' lanes, named in the content language."""
    return document.JourneyDocument(
        name="",
        kind=JourneyKind.CUSTOM,
        language=language,
        stages=(document.Stage("s1", _default_stage_title(language)),),
        lanes=tuple(
            document.Lane(f"l{n}", title) for n, title in enumerate(_default_lanes(language), 1)
        ),
    )


def _default_stage_title(language: str) -> str:
    return {"fi": "Vaihe 1", "sv": "Skede 1", "en": "Stage 1"}.get(language, "Stage 1")


def _default_lanes(language: str) -> list[str]:
    """The five actors of both processes, named in the journey's content language."""
    return {
        "fi": [
            "Opiskelija",
            "Työnantaja",
            "Työpaikkaohjaaja",
            "Opettaja",
            "Oppilaitoksen toimisto",
        ],
        "sv": [
            "Studerande",
            "Arbetsgivare",
            "Arbetsplatshandledare",
            "Lärare",
            "Läroanstaltens kansli",
        ],
        "en": ["Student", "Employer", "Workplace instructor", "Teacher", "Institution office"],
    }[language]


def template_document(template: JourneyTemplate, language: str) -> document.JourneyDocument:
    """The template's stages, lanes and steps in one language, its typical critical points as
    suggestions, as the document a new journey is written from."""
    steps = []
    for source in template.steps:
        suggestions = []
        for point in source.critical_points:
            reference = template.source(point.source)
            suggestions.append(
                document.Suggestion(
                    text=point.text.get(language),
                    basis=point.basis,
                    source_title=reference.title.get(language) if reference else "",
                    source_url=reference.url if reference else "",
                )
            )
        steps.append(
            document.Step(
                key=f"{template.id}.{source.id}",
                stage=source.stage,
                lane=source.lane,
                title=source.title.get(language),
                description=source.description.get(language),
                channel=Channel(source.channel),
                suggestions=tuple(suggestions),
            )
        )
    return document.JourneyDocument(
        name=template.title.get(language),
        kind=JourneyKind(template.kind),
        language=language,
        template_id=template.id,
        stages=tuple(document.Stage(s.id, s.title.get(language)) for s in template.stages),
        lanes=tuple(
            document.Lane(lane.id, lane.title.get(language), LaneKind(lane.kind))
            for lane in template.lanes
        ),
        steps=tuple(steps),
    )


def structure_document(journey: Journey) -> document.JourneyDocument:
    """The journey's stages, lanes and live steps (with their suggestions), without its
    critical points: the shape a copy is written from."""
    board = load_board(journey)
    stage_ids = {stage.id: f"s{n}" for n, stage in enumerate(board.stages, 1)}
    lane_ids = {lane.id: f"l{n}" for n, lane in enumerate(board.lanes, 1)}
    return document.JourneyDocument(
        id=journey.id,
        version=journey.version,
        name=journey.name,
        kind=journey.kind,
        language=journey.language,
        description=journey.description,
        template_id=journey.template_id,
        stages=tuple(document.Stage(stage_ids[s.id], s.title) for s in board.stages),
        lanes=tuple(
            document.Lane(lane_ids[lane.id], lane.title, lane.kind) for lane in board.lanes
        ),
        steps=tuple(
            document.Step(
                key=step.key,
                stage=stage_ids[step.stage_id],
                lane=lane_ids[step.lane_id],
                title=step.title,
                description=step.description,
                channel=step.channel,
                emotion_student=step.emotion_student,
                emotion_employer=step.emotion_employer,
                suggestions=tuple(
                    document.Suggestion(
                        text=s.text,
                        basis=s.basis,
                        source_title=s.source_title,
                        source_url=s.source_url,
                        handled=s.handled_at is not None,
                    )
                    for s in step.suggestions
                ),
            )
            for step in board.steps
        ),
    )


def new_journey(
    workspace_id: int,
    user: User,
    source: document.JourneyDocument,
    source_journey_id: int | None = None,
) -> tuple[Journey, dict[str, Step]]:
    """A new journey of the workspace written from the document (its critical points are the
    critical-points domain's to write); the journey and its steps by key."""
    journey = Journey(
        workspace_id=workspace_id,
        name=source.name,
        kind=source.kind,
        description=source.description,
        language=source.language,
        template_id=source.template_id,
        source_journey_id=source_journey_id,
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    db.session.add(journey)
    return journey, _write_structure(journey, source)


def _write_structure(journey: Journey, source: document.JourneyDocument) -> dict[str, Step]:
    stages = {s.id: Stage(position=i, title=s.title) for i, s in enumerate(source.stages)}
    lanes = {
        lane.id: Lane(position=i, title=lane.title, kind=lane.kind)
        for i, lane in enumerate(source.lanes)
    }
    journey.stages.extend(stages.values())
    journey.lanes.extend(lanes.values())
    counters: dict[tuple[str, str], int] = defaultdict(int)
    steps: dict[str, Step] = {}
    # A document tells only whether a suggestion was handled, not when: a copy counts it as
    # handled when the copy was made.
    now = utcnow()
    for entry in source.steps:
        cell = (entry.stage, entry.lane)
        step = Step(
            journey=journey,
            stage=stages[entry.stage],
            lane=lanes[entry.lane],
            position=counters[cell],
            # The same key as in the source, so the copy compares with it step by step.
            key=entry.key,
            title=entry.title,
            description=entry.description,
            channel=entry.channel,
            emotion_student=entry.emotion_student,
            emotion_employer=entry.emotion_employer,
        )
        counters[cell] += 1
        step.suggestions = [
            StepSuggestion(
                text=s.text,
                basis=s.basis,
                source_title=s.source_title,
                source_url=s.source_url,
                handled_at=now if s.handled else None,
            )
            for s in entry.suggestions
        ]
        db.session.add(step)
        steps[entry.key] = step
    db.session.flush()
    return steps


def update_journey(
    journey: Journey, user: User, expected_version: int, name: str, description: str
) -> None:
    """Rename or re-describe a journey; refuses if someone saved it since `expected_version`."""
    record_change(journey, user, "journey_edited", name.strip())
    db.session.refresh(journey)
    if journey.edit_version != expected_version:
        raise Conflict(journey)
    journey.name, journey.description = name.strip(), description.strip()
    journey.edit_version += 1
    db.session.flush()


def duplicate_journey(journey: Journey, user: User, name: str) -> Journey:
    """A copy of the journey (as-is to to-be), with the same step keys so the two compare."""
    shape = replace(structure_document(journey), name=name.strip())
    copy, _steps = new_journey(journey.workspace_id, user, shape, source_journey_id=journey.id)
    record_change(copy, user, "journey_duplicated", journey.name)
    return copy


def delete_journey(journey: Journey, user: User) -> None:
    """Put a journey among the workspace's deleted journeys, where it can be restored for
    KEEP_DELETED; journeys deleted longer ago than that go for good now."""
    purge_deleted_journeys(journey.workspace_id)
    journey.deleted_at, journey.deleted_by_id = utcnow(), user.id
    db.session.flush()


def deleted_journeys(workspace: Workspace) -> list[Journey]:
    """The workspace's journeys that can still be restored, most recently deleted first."""
    return list(
        db.session.scalars(
            select(Journey)
            .where(
                Journey.workspace_id == workspace.id,
                Journey.deleted_at > utcnow() - KEEP_DELETED,
            )
            .options(selectinload(Journey.deleted_by))
            .order_by(Journey.deleted_at.desc(), Journey.id.desc())
        )
    )


def get_deleted_journey(workspace: Workspace, journey_id: int) -> Journey | None:
    """A deleted journey of this workspace that can still be restored."""
    return next((j for j in deleted_journeys(workspace) if j.id == journey_id), None)


def restore_journey(journey: Journey, user: User) -> None:
    """Bring a deleted journey back, as it was, into the sprints it was in."""
    journey.deleted_at = journey.deleted_by_id = None
    record_change(journey, user, "journey_restored", journey.name)
    db.session.flush()


def purge_deleted_journeys(workspace_id: int) -> int:
    """Delete for good, with everything in them, the journeys deleted more than KEEP_DELETED ago."""
    old = list(
        db.session.scalars(
            select(Journey).where(
                Journey.workspace_id == workspace_id,
                Journey.deleted_at <= utcnow() - KEEP_DELETED,
            )
        )
    )
    for journey in old:
        db.session.delete(journey)
    db.session.flush()
    return len(old)


# --- positions ---------------------------------------------------------------------------------


def _renumber(items: list) -> None:
    """Give the items positions 0..n-1 in list order without ever repeating one on the way."""
    changed = [(i, item) for i, item in enumerate(items) if item.position != i]
    if not changed:
        return
    # Unique (…, position) constraints: park the moving rows on negative numbers first.
    for i, item in changed:
        item.position = -1 - i
    db.session.flush()
    for i, item in changed:
        item.position = i
    db.session.flush()


def _cell_steps(stage_id: int, lane_id: int) -> list[Step]:
    return list(
        db.session.scalars(
            select(Step)
            .where(Step.stage_id == stage_id, Step.lane_id == lane_id, Step.position.is_not(None))
            .order_by(Step.position)
        )
    )


# --- steps -------------------------------------------------------------------------------------


def stage_and_lane(journey: Journey, stage_id: int, lane_id: int) -> tuple[Stage, Lane]:
    """The stage and lane of this journey with these ids; NotInJourney otherwise."""
    stage, lane = get_stage(journey, stage_id), get_lane(journey, lane_id)
    if stage is None or lane is None:
        raise NotInJourney()
    return stage, lane


def add_step(
    journey: Journey,
    user: User,
    stage_id: int,
    lane_id: int,
    title: str,
    description: str = "",
    channel: Channel | None = None,
    emotion_student: int | None = None,
    emotion_employer: int | None = None,
) -> Step:
    """A new step at the end of its cell, with how the student and the employer feel there."""
    stage, lane = stage_and_lane(journey, stage_id, lane_id)
    record_change(journey, user, "step_added", title.strip())
    if step_count(journey) >= MAX_STEPS:
        raise TooLarge()
    step = Step(
        journey=journey,
        stage=stage,
        lane=lane,
        position=len(_cell_steps(stage.id, lane.id)),
        key=new_key(),
        title=title.strip(),
        description=description.strip(),
        channel=channel,
        emotion_student=emotion_student,
        emotion_employer=emotion_employer,
    )
    db.session.add(step)
    db.session.flush()
    return step


@dataclass(frozen=True)
class StepChange:
    """What an edit form says a step should become."""

    title: str
    description: str
    channel: Channel | None
    stage_id: int
    lane_id: int
    emotion_student: int | None
    emotion_employer: int | None


def update_step(
    journey: Journey, user: User, step: Step, expected_version: int, change: StepChange
) -> None:
    """Save an edit; refuses with Conflict if someone saved the step after `expected_version`."""
    stage, lane = stage_and_lane(journey, change.stage_id, change.lane_id)
    record_change(journey, user, "step_edited", change.title.strip())
    db.session.refresh(step)
    if step.version != expected_version or step.deleted_at is not None:
        raise Conflict(step)
    if (stage.id, lane.id) != (step.stage_id, step.lane_id):
        _move_to_cell(step, stage, lane)
    step.title = change.title.strip()
    step.description = change.description.strip()
    step.channel = change.channel
    step.emotion_student = change.emotion_student
    step.emotion_employer = change.emotion_employer
    step.version += 1
    step.updated_at = utcnow()
    db.session.flush()


def _move_to_cell(step: Step, stage: Stage, lane: Lane) -> None:
    """Take the step out of its cell and put it last in another."""
    old = [s for s in _cell_steps(step.stage_id, step.lane_id) if s.id != step.id]
    step.position = None
    db.session.flush()
    _renumber(old)
    step.stage, step.lane = stage, lane
    step.position = len(_cell_steps(stage.id, lane.id))
    db.session.flush()


def move_step(journey: Journey, user: User, step: Step, direction: str) -> None:
    """Move a step up or down in its cell, or to the previous or next stage."""
    record_change(journey, user, "step_moved", step.title)
    db.session.refresh(step)
    if step.deleted_at is not None:
        raise Conflict(step)
    if direction in ("up", "down"):
        cell = _cell_steps(step.stage_id, step.lane_id)
        index = next(i for i, s in enumerate(cell) if s.id == step.id)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(cell):
            cell[index], cell[target] = cell[target], cell[index]
            _renumber(cell)
    elif direction in ("left", "right"):
        stages = load_board(journey).stages
        index = next(i for i, s in enumerate(stages) if s.id == step.stage_id)
        target = index - 1 if direction == "left" else index + 1
        if 0 <= target < len(stages):
            _move_to_cell(step, stages[target], step.lane)
    else:
        raise JourneyError(direction)
    step.updated_at = utcnow()
    db.session.flush()


def trash_step(journey: Journey, user: User, step: Step) -> None:
    """Put a step in the trash, from where it can be restored."""
    record_change(journey, user, "step_deleted", step.title)
    db.session.refresh(step)
    if step.deleted_at is not None:
        return
    rest = [s for s in _cell_steps(step.stage_id, step.lane_id) if s.id != step.id]
    step.position = None
    step.deleted_at, step.deleted_by_id = utcnow(), user.id
    db.session.flush()
    _renumber(rest)


def restore_step(journey: Journey, user: User, step: Step) -> None:
    """Bring a step back from the trash, last in its old cell."""
    record_change(journey, user, "step_restored", step.title)
    db.session.refresh(step)
    if step.deleted_at is None:
        return
    step.deleted_at, step.deleted_by_id = None, None
    step.position = len(_cell_steps(step.stage_id, step.lane_id))
    db.session.flush()


def empty_trash(journey: Journey, user: User) -> int:
    """Delete the trashed steps for good; how many there were."""
    steps = trashed_steps(journey)
    if steps:
        record_change(journey, user, "trash_emptied", str(len(steps)))
        for step in steps:
            db.session.delete(step)
        db.session.flush()
    return len(steps)


# --- stages and lanes --------------------------------------------------------------------------


def _columns(journey: Journey, model) -> list:
    return list(
        db.session.scalars(
            select(model).where(model.journey_id == journey.id).order_by(model.position)
        )
    )


def add_stage(journey: Journey, user: User, title: str) -> Stage:
    """A new stage at the right end."""
    record_change(journey, user, "stage_added", title.strip())
    if len(_columns(journey, Stage)) >= MAX_COLUMNS:
        raise TooLarge()
    stage = Stage(journey=journey, position=len(_columns(journey, Stage)), title=title.strip())
    db.session.add(stage)
    db.session.flush()
    return stage


def add_lane(journey: Journey, user: User, title: str, kind: LaneKind) -> Lane:
    """A new lane at the bottom."""
    record_change(journey, user, "lane_added", title.strip())
    if len(_columns(journey, Lane)) >= MAX_COLUMNS:
        raise TooLarge()
    lane = Lane(
        journey=journey, position=len(_columns(journey, Lane)), title=title.strip(), kind=kind
    )
    db.session.add(lane)
    db.session.flush()
    return lane


def rename(
    journey: Journey, user: User, item, expected_version: int, title: str, kind=None
) -> None:
    """Rename a stage or lane (and set a lane's kind); Conflict if saved meanwhile."""
    action = "stage_renamed" if isinstance(item, Stage) else "lane_renamed"
    record_change(journey, user, action, title.strip())
    db.session.refresh(item)
    if item.version != expected_version:
        raise Conflict(item)
    item.title = title.strip()
    if kind is not None:
        item.kind = kind
    item.version += 1
    db.session.flush()


def move_column(journey: Journey, user: User, item, direction: str) -> None:
    """Move a stage left/right or a lane up/down."""
    model = type(item)
    record_change(journey, user, f"{model.__tablename__}_moved", item.title)
    items = _columns(journey, model)
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    target = index - 1 if direction in ("up", "left") else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        _renumber(items)


def delete_column(journey: Journey, user: User, item, move_to=None) -> None:
    """Delete a stage or lane; its steps (trashed ones too) go to `move_to` first.

    An empty one goes at once; one with steps needs somewhere for them, and the last stage
    or lane of a journey stays.
    """
    model = type(item)
    items = _columns(journey, model)
    if len(items) <= 1:
        raise JourneyError("last")
    column = Step.stage_id if model is Stage else Step.lane_id
    steps = list(db.session.scalars(select(Step).where(column == item.id).order_by(Step.position)))
    if steps and (move_to is None or move_to.id == item.id or move_to.journey_id != journey.id):
        raise JourneyError("needs target")
    record_change(journey, user, f"{model.__tablename__}_deleted", item.title)
    for step in steps:
        if step.deleted_at is not None:
            setattr(step, "stage" if model is Stage else "lane", move_to)
            continue
        stage = move_to if model is Stage else step.stage
        lane = move_to if model is Lane else step.lane
        _move_to_cell(step, stage, lane)
    db.session.delete(item)
    db.session.flush()
    _renumber([other for other in items if other.id != item.id])


# --- comparing ---------------------------------------------------------------------------------

COMPARED_FIELDS = ("title", "description", "channel", "emotion_student", "emotion_employer")


@dataclass
class StepDifference:
    """One step that is not the same in both journeys; `before` or `after` is None if missing."""

    before: Step | None
    after: Step | None
    changed: list[str] = field(default_factory=list)


@dataclass
class JourneyDiff:
    """What the second journey has that the first has not, and the other way round."""

    added: list[StepDifference]
    removed: list[StepDifference]
    changed: list[StepDifference]
    places: dict[int, tuple[str, str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def place_names(board: Board) -> dict[int, tuple[str, str]]:
    """Each live step's stage and lane titles, by step id."""
    stages = {s.id: s.title for s in board.stages}
    lanes = {lane.id: lane.title for lane in board.lanes}
    return {s.id: (stages[s.stage_id], lanes[s.lane_id]) for s in board.steps}


def compare_journeys(before: Journey, after: Journey) -> JourneyDiff:
    """Steps added, removed and changed from `before` to `after`, matched by their keys.

    A step counts as moved when its stage or lane title differs, so renaming a stage in the
    copy shows every step in it as moved: that is what a reader of the two maps would see.
    """
    old_board, new_board = load_board(before), load_board(after)
    places = place_names(old_board) | place_names(new_board)
    old = {s.key: s for s in old_board.steps}
    new = {s.key: s for s in new_board.steps}
    changed = []
    for key in old.keys() & new.keys():
        a, b = old[key], new[key]
        fields = [f for f in COMPARED_FIELDS if getattr(a, f) != getattr(b, f)]
        if places[a.id] != places[b.id]:
            fields.append("place")
        if fields:
            changed.append(StepDifference(a, b, fields))
    order = {key: i for i, key in enumerate(new)}
    changed.sort(key=lambda d: order[d.after.key])
    return JourneyDiff(
        added=[StepDifference(None, new[k]) for k in new if k not in old],
        removed=[StepDifference(old[k], None) for k in old if k not in new],
        changed=changed,
        places=places,
    )
