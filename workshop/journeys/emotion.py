"""The emotion curve: how the student and the employer feel, step by step, drawn as SVG.

Each perspective is one line through the steps it has a score for; a step without one is
passed by (it does not break the line) and marked on the axis with a hollow circle. The step
names stand under the axis, sloping (45° on screen, 90° in print), wrapped and shortened to
fit, their full names in a <title>.
Drawn on the server so the PDF summary can use the same picture; the page also shows the
numbers as a table for screen readers and for anyone who prefers them.
"""

import math
from dataclasses import dataclass, field

from workshop.hyphenation import hyphenator
from workshop.journeys.models import EMOTION_MAX, EMOTION_MIN

STEP_WIDTH = 56
MARGIN_LEFT = 48
MARGIN_RIGHT = 16
STAGE_LABELS = 22  # the band above the chart holding the stages' names
ROW = 28  # pixels per emotion point
TICK = 12  # from the lowest grid line down to the axis the ticks stand on
LABEL_BAND = 120  # below the axis: the step names, at 45°
FONT = 12  # the labels' size; one character is about CHAR_WIDTH wide
CHAR_WIDTH = 7
MAX_LABEL_LINES = 3
PERSPECTIVES = ("emotion_student", "emotion_employer")


@dataclass
class Series:
    """One perspective: its points, one per step with a score, joined by one line."""

    perspective: str
    points: list[tuple[float, float, int, str]] = field(default_factory=list)

    @property
    def line(self) -> str:
        """The polyline through every scored step in order; unscored steps are passed by."""
        return " ".join(f"{x:.1f},{y:.0f}" for x, y, _s, _t in self.points)

    def marks(self, radius: float = 5) -> str:
        """Every point's mark as one SVG path (circles for the student, squares for the
        employer): one shape instead of one per step, for the printed curve."""
        r, side = f"{radius:g}", f"{2 * radius:g}"
        if self.perspective == "emotion_student":
            mark = f"a{r},{r} 0 1,0 {side},0a{r},{r} 0 1,0 -{side},0"
            return "".join(f"M{x - radius:.1f},{y:.0f}{mark}" for x, y, _s, _t in self.points)
        mark = f"h{side}v{side}h-{side}z"
        return "".join(f"M{x - radius:.1f},{y - radius:.1f}{mark}" for x, y, _s, _t in self.points)


@dataclass(frozen=True)
class AxisStep:
    """A step's place on the axis: its tick, its name as printed and what it lacks."""

    x: float
    title: str
    lines: tuple[str, ...]  # the name wrapped under the axis; empty when a neighbour's stands
    missing: tuple[str, ...]  # the perspectives without a score here

    @property
    def unscored(self) -> bool:
        return bool(self.missing)

    @property
    def shortened(self) -> bool:
        return bool(self.lines) and self.lines[-1].endswith("…")


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
    steps: list[AxisStep] = field(default_factory=list)
    axis_y: float = 0  # where the ticks stand
    plot_top: float = 0
    font: int = FONT
    angle: int = 45  # the step names' slope: 45° on screen, 90° (straight down) in print
    mark_radius: float = 5  # smaller when steps stand close, so the marks do not merge

    @property
    def has_scores(self) -> bool:
        return any(s.points for s in self.series)

    @property
    def unscored_count(self) -> int:
        return sum(step.unscored for step in self.steps)

    @property
    def line_height(self) -> float:
        return round(self.font * 1.2, 1)

    def label_origin(self, step: AxisStep) -> tuple[float, float]:
        """Where a step's name begins: just under its tick, the lines centred on it."""
        # Across the text: the first baseline, so that the lines' middle runs through the tick.
        across = 0.35 * self.font - (len(step.lines) - 1) * self.line_height / 2
        along = 8  # clear of the tick
        cos, sin = math.cos(math.radians(self.angle)), math.sin(math.radians(self.angle))
        return (
            round(step.x + along * cos - across * sin, 1),
            round(self.axis_y + along * sin + across * cos, 1),
        )

    def label_transform(self, step: AxisStep) -> str:
        """The SVG transform putting a step's name in place: its lines then start at x=0."""
        x, y = self.label_origin(step)
        return f"translate({x:g} {y:g})rotate({self.angle})"

    def ticks(self) -> str:
        """The ticks of the scored steps as one path."""
        return "".join(f"M{s.x:.1f},{self.axis_y - 4:.0f}v8" for s in self.steps if not s.unscored)

    def hollow_ticks(self, radius: float = 3.5) -> str:
        """The unscored steps' hollow circles on the axis as one path."""
        r, side = f"{radius:g}", f"{2 * radius:g}"
        arc = f"a{r},{r} 0 1,0 {side},0a{r},{r} 0 1,0 -{side},0"
        return "".join(
            f"M{s.x - radius:.1f},{self.axis_y:.0f}{arc}" for s in self.steps if s.unscored
        )


def _y(score: int, row: int, top: float) -> float:
    return top + (EMOTION_MAX - score) * row


def _series(perspective: str, placed, row: int, top: float) -> Series:
    """Points where the step has a score; the line goes from one to the next."""
    line = Series(perspective)
    for x, _stage, step in placed:
        score = getattr(step, perspective)
        if score is not None:
            line.points.append((x, _y(score, row, top), score, step.title))
    return line


def _label_lines(
    title: str, chars: int, lines: int, language: str | None = None
) -> tuple[str, ...]:
    """The name in at most `lines` lines of `chars` characters: a word longer than a line is
    broken with a hyphen (between syllables where the language's hyphenation knows them), and
    a name longer than the lines ends in "…"."""
    chars = max(chars, 4)
    syllables = hyphenator(language)
    out, current = [], ""
    for word in title.split():
        if current and len(current) + 1 + len(word) <= chars:
            current += " " + word
            continue
        if current:
            out.append(current)
        while len(word) > chars:
            parts = syllables.wrap(word, chars) if syllables else None
            head, word = parts or (word[: chars - 1] + "-", word[chars - 1 :])
            out.append(head)
        current = word
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        last = out[-1].removesuffix("-")
        out[-1] = last[: chars - 1] + "…"
    return tuple(out)


def _axis(
    placed, step_width: float, band: float, font: int, angle: int, language: str | None
) -> list[AxisStep]:
    """Each step's tick and name; when steps stand too close for every name, every n-th."""
    line_height = font * 1.2
    sin = math.sin(math.radians(angle))
    across = step_width * sin  # the room between two neighbours' names, across them
    if across >= line_height:
        every, lines = 1, min(MAX_LABEL_LINES, int(across // line_height))
    else:
        # Too close for every name: one line for every n-th step, a line's height apart, so
        # the names stay readable (and the PDF, which sets SVG text a letter at a time, fast).
        every, lines = math.ceil(2 * line_height / across), 1
    chars = int(band / sin / (font * CHAR_WIDTH / FONT)) - 1
    return [
        AxisStep(
            x=x,
            title=step.title,
            lines=_label_lines(step.title, chars, lines, language) if index % every == 0 else (),
            missing=tuple(p for p in PERSPECTIVES if getattr(step, p) is None),
        )
        for index, (x, _stage, step) in enumerate(placed)
    ]


def emotion_curve(
    board,
    step_width: float = STEP_WIDTH,
    row: int = ROW,
    first_stage_number: int = 1,
    band: int = LABEL_BAND,
    font: int = FONT,
    angle: int = 45,
    language: str | None = None,
) -> Curve:
    """Place the journey's steps along the x axis, stage by stage, and both scores above them.

    The board draws it at its natural size and scrolls; the printed summary draws a part of
    the journey at a time (`first_stage_number` is where its stages start) at the step width
    and row height that fit a page. The step names take `band` pixels under the axis, running
    down to the right at `angle` (45° or 90°), and what they need right of the last step;
    a long word in them breaks by the rules of the journey's `language`.
    """
    steps = [
        (stage, step)
        for stage in board.stages
        for lane in board.lanes
        for step in board.steps_in(stage, lane)
    ]
    top = STAGE_LABELS + 6
    axis_y = _y(EMOTION_MIN, row, top) + TICK
    overhang = band / math.tan(math.radians(angle)) if angle < 90 else 0
    width = round(MARGIN_LEFT + max(len(steps), 1) * step_width + MARGIN_RIGHT + overhang)
    placed = [
        (MARGIN_LEFT + index * step_width + step_width / 2, stage, step)
        for index, (stage, step) in enumerate(steps)
    ]
    stage_marks = []
    for number, stage in enumerate(board.stages, start=first_stage_number):
        xs = [x for x, s, _step in placed if s.id == stage.id]
        if xs:
            room = int((xs[-1] - xs[0] + step_width) / (font * CHAR_WIDTH / FONT)) - 1
            label = f"{number}. {stage.title}"
            if len(label) > room:
                label = label[: max(room - 1, 2)] + "…"
            stage_marks.append((xs[0] - step_width / 2, label, number))
    return Curve(
        width=width,
        height=round(axis_y + 8 + band),
        zero_y=_y(0, row, top),
        levels=[(s, _y(s, row, top)) for s in range(EMOTION_MAX, EMOTION_MIN - 1, -1)],
        stage_marks=stage_marks,
        series=[_series(perspective, placed, row, top) for perspective in PERSPECTIVES],
        rows=[
            (stage.title, step.title, step.emotion_student, step.emotion_employer)
            for _x, stage, step in placed
        ],
        steps=_axis(placed, step_width, band, font, angle, language),
        axis_y=axis_y,
        plot_top=top,
        font=font,
        angle=angle,
        mark_radius=round(min(5, max(1.5, step_width / 3)), 1),
    )
