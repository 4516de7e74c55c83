"""The emotion curve: how the student and the employer feel, step by step, drawn as SVG.

Drawn on the server so the PDF summary can use the same picture; the page also shows the
numbers as a table for screen readers and for anyone who prefers them.
"""

from dataclasses import dataclass, field

from workshop.journeys.models import EMOTION_MAX, EMOTION_MIN

STEP_WIDTH = 56
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
TOP = 16
ROW = 28  # pixels per emotion point
CHAR_WIDTH = 7  # about one character of the 12 px axis labels
PERSPECTIVES = ("emotion_student", "emotion_employer")


@dataclass
class Series:
    """One perspective: its points and the line segments between steps that have a score."""

    perspective: str
    points: list[tuple[float, float, int, str]] = field(default_factory=list)
    segments: list[str] = field(default_factory=list)


@dataclass
class Curve:
    """Everything the SVG template needs, already in pixels."""

    width: int
    height: int
    zero_y: float
    levels: list[tuple[int, float]]
    stage_marks: list[tuple[float, str]]
    series: list[Series]
    rows: list[tuple[str, str, int | None, int | None]]

    @property
    def has_scores(self) -> bool:
        return any(s.points for s in self.series)


def _y(score: int) -> float:
    return TOP + (EMOTION_MAX - score) * ROW


def _series(perspective: str, placed) -> Series:
    """Points where the step has a score; a step without one breaks the line."""
    line, run = Series(perspective), []
    for x, _stage, step in placed:
        score = getattr(step, perspective)
        if score is None:
            if len(run) > 1:
                line.segments.append(" ".join(run))
            run = []
            continue
        line.points.append((x, _y(score), score, step.title))
        run.append(f"{x:.0f},{_y(score):.0f}")
    if len(run) > 1:
        line.segments.append(" ".join(run))
    return line


def emotion_curve(board) -> Curve:
    """Place the journey's steps along the x axis, stage by stage, and both scores above them."""
    steps = [
        (stage, step)
        for stage in board.stages
        for lane in board.lanes
        for step in board.steps_in(stage, lane)
    ]
    width = MARGIN_LEFT + max(len(steps), 1) * STEP_WIDTH + MARGIN_RIGHT
    height = TOP + (EMOTION_MAX - EMOTION_MIN) * ROW + 40
    placed = [
        (MARGIN_LEFT + index * STEP_WIDTH + STEP_WIDTH / 2, stage, step)
        for index, (stage, step) in enumerate(steps)
    ]
    stage_marks = []
    for number, stage in enumerate(board.stages, start=1):
        xs = [x for x, s, _step in placed if s.id == stage.id]
        if xs:
            room = int((xs[-1] - xs[0] + STEP_WIDTH) / CHAR_WIDTH) - 1
            label = f"{number}. {stage.title}"
            if len(label) > room:
                label = label[: max(room - 1, 2)] + "…"
            stage_marks.append((xs[0] - STEP_WIDTH / 2, label))
    series = [_series(perspective, placed) for perspective in PERSPECTIVES]
    rows = [
        (stage.title, step.title, step.emotion_student, step.emotion_employer)
        for _x, stage, step in placed
    ]
    return Curve(
        width=width,
        height=height,
        zero_y=_y(0),
        levels=[(score, _y(score)) for score in range(EMOTION_MAX, EMOTION_MIN - 1, -1)],
        stage_marks=stage_marks,
        series=series,
        rows=rows,
    )
