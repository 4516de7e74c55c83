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

    def marks(self, radius: float = 5) -> str:
        """Every point's mark as one SVG path (circles for the student, squares for the
        employer): one shape instead of one per step, for the printed curve."""
        r, side = f"{radius:g}", f"{2 * radius:g}"
        if self.perspective == "emotion_student":
            mark = f"a{r},{r} 0 1,0 {side},0a{r},{r} 0 1,0 -{side},0"
            return "".join(f"M{x - radius:.1f},{y:.0f}{mark}" for x, y, _s, _t in self.points)
        mark = f"h{side}v{side}h-{side}z"
        return "".join(f"M{x - radius:.1f},{y - radius:.1f}{mark}" for x, y, _s, _t in self.points)


@dataclass
class Curve:
    """Everything the SVG template needs, already in pixels."""

    width: int
    height: int
    zero_y: float
    levels: list[tuple[int, float]]
    stage_marks: list[tuple[float, str, int]]  # where a stage begins, its label and number
    series: list[Series]
    rows: list[tuple[str, str, int | None, int | None]]
    mark_radius: float = 5  # smaller when steps stand close, so the marks do not merge

    @property
    def has_scores(self) -> bool:
        return any(s.points for s in self.series)


def _y(score: int, row: int = ROW) -> float:
    return TOP + (EMOTION_MAX - score) * row


def _series(perspective: str, placed, row: int) -> Series:
    """Points where the step has a score; a step without one breaks the line."""
    line, run = Series(perspective), []
    for x, _stage, step in placed:
        score = getattr(step, perspective)
        if score is None:
            if len(run) > 1:
                line.segments.append(" ".join(run))
            run = []
            continue
        y = _y(score, row)
        line.points.append((x, y, score, step.title))
        run.append(f"{x:.0f},{y:.0f}")
    if len(run) > 1:
        line.segments.append(" ".join(run))
    return line


def emotion_curve(
    board, step_width: float = STEP_WIDTH, row: int = ROW, first_stage_number: int = 1
) -> Curve:
    """Place the journey's steps along the x axis, stage by stage, and both scores above them.

    The board draws it at its natural size and scrolls; the printed summary draws a part of
    the journey at a time (`first_stage_number` is where its stages start) at the step width
    and row height that fit a page.
    """
    steps = [
        (stage, step)
        for stage in board.stages
        for lane in board.lanes
        for step in board.steps_in(stage, lane)
    ]
    width = round(MARGIN_LEFT + max(len(steps), 1) * step_width + MARGIN_RIGHT)
    height = TOP + (EMOTION_MAX - EMOTION_MIN) * row + 40
    placed = [
        (MARGIN_LEFT + index * step_width + step_width / 2, stage, step)
        for index, (stage, step) in enumerate(steps)
    ]
    stage_marks = []
    for number, stage in enumerate(board.stages, start=first_stage_number):
        xs = [x for x, s, _step in placed if s.id == stage.id]
        if xs:
            room = int((xs[-1] - xs[0] + step_width) / CHAR_WIDTH) - 1
            label = f"{number}. {stage.title}"
            if len(label) > room:
                label = label[: max(room - 1, 2)] + "…"
            stage_marks.append((xs[0] - step_width / 2, label, number))
    series = [_series(perspective, placed, row) for perspective in PERSPECTIVES]
    rows = [
        (stage.title, step.title, step.emotion_student, step.emotion_employer)
        for _x, stage, step in placed
    ]
    return Curve(
        width=width,
        height=height,
        zero_y=_y(0, row),
        levels=[(score, _y(score, row)) for score in range(EMOTION_MAX, EMOTION_MIN - 1, -1)],
        stage_marks=stage_marks,
        series=series,
        rows=rows,
        mark_radius=round(min(5, max(1.5, step_width / 3)), 1),
    )
