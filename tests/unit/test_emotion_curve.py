"""The emotion curve: one line per perspective through the scored steps, the unscored steps
marked on the axis, every step named under it."""

import re

from workshop.journeys.document import JourneyDocument, Lane, Stage, Step
from workshop.journeys.emotion import _label_lines, emotion_curve
from workshop.journeys.models import JourneyKind

STUDENT = [1, None, -1, None, None, 2]
EMPLOYER = [0, 1, None, None, -2, None]
TITLES = [
    "Haku",
    "Työnantaja nimeää vastuullisen työpaikkaohjaajan",
    "Sopimus",
    "Yhteydenotto oppisopimustoimistoon ja neuvonta",
    "Näyttö",
    "Palaute",
]


def journey(student=STUDENT, employer=EMPLOYER, titles=TITLES) -> JourneyDocument:
    steps = tuple(
        Step(
            key=f"k{n}",
            stage="s1" if n < 3 else "s2",
            lane="l1",
            title=title,
            emotion_student=s,
            emotion_employer=e,
        )
        for n, (title, s, e) in enumerate(zip(titles, student, employer, strict=True))
    )
    return JourneyDocument(
        name="Polku",
        kind=JourneyKind.CUSTOM,
        language="fi",
        stages=(Stage("s1", "Alku"), Stage("s2", "Loppu")),
        lanes=(Lane("l1", "Opiskelija"),),
        steps=steps,
    )


def xy(points: str) -> list[tuple[float, float]]:
    return [tuple(map(float, pair.split(","))) for pair in points.split()]


def test_each_perspective_is_one_line_through_its_scored_steps_only():
    curve = emotion_curve(journey())
    student, employer = curve.series
    xs = [step.x for step in curve.steps]
    # The unscored steps are passed by: the line goes on from the last score to the next.
    assert [x for x, _y in xy(student.line)] == [xs[0], xs[2], xs[5]]
    assert [x for x, _y in xy(employer.line)] == [xs[0], xs[1], xs[4]]
    ys = [y for _x, y in xy(student.line)]
    assert ys[0] < curve.zero_y < ys[1] and ys[2] < ys[0]  # +1, −1, +2: up is better


def test_unscored_steps_are_marked_on_the_axis_and_scored_ones_ticked():
    curve = emotion_curve(journey())
    assert [step.missing for step in curve.steps] == [
        (),
        ("emotion_student",),
        ("emotion_employer",),
        ("emotion_student", "emotion_employer"),
        ("emotion_student",),
        ("emotion_employer",),
    ]
    assert curve.unscored_count == 5
    # One path each: a tick per scored step, a hollow circle per unscored one.
    assert curve.ticks().count("M") == 1
    assert curve.hollow_ticks().count("M") == 5
    assert curve.hollow_ticks().count("a") == 2 * 5


def test_every_step_is_named_under_the_axis_shortened_to_fit():
    curve = emotion_curve(journey())
    assert all(step.lines for step in curve.steps)
    assert [" ".join(step.lines) for step in curve.steps][0] == "Haku"
    long = curve.steps[1]
    assert long.title == TITLES[1] and long.lines[0].startswith("Työnantaja")
    assert len(long.lines) <= 3 and all(len(line) <= 24 for line in long.lines)
    for step in curve.steps:
        joined = re.sub(r"-\s", "", " ".join(step.lines)).removesuffix("…")
        assert TITLES[curve.steps.index(step)].startswith(joined), (joined, step.lines)
    # The names start under their tick and stay inside the chart.
    for step in curve.steps:
        x, y = curve.label_origin(step)
        assert y > curve.axis_y and abs(x - step.x) < 40
    assert curve.height >= curve.axis_y + 100


def test_a_long_name_is_wrapped_a_long_word_broken_and_the_rest_cut():
    assert _label_lines("Näytöstä sopiminen", 20, 2) == ("Näytöstä sopiminen",)
    assert _label_lines("Yhteydenotto oppisopimustoimistoon ja neuvonta", 17, 3) == (
        "Yhteydenotto",
        "oppisopimustoimi-",
        "stoon ja neuvonta",
    )
    cut = _label_lines("Oppisopimuksen eli määräaikaisen työsopimuksen solmiminen", 17, 2)
    assert cut == ("Oppisopimuksen", "eli määräaikaise…")


def test_a_long_word_breaks_between_its_syllables_in_the_journeys_language():
    assert _label_lines("Yhteydenotto oppisopimustoimistoon ja neuvonta", 17, 3, "fi") == (
        "Yhteydenotto",
        "oppisopimustoi-",
        "mistoon ja…",
    )
    assert _label_lines("Sovitaan koulutuskorvauksesta", 16, 3, "fi") == (
        "Sovitaan",
        "koulutuskorvauk-",
        "sesta",
    )


def test_steps_too_close_for_every_name_name_every_third_in_one_line():
    many = journey(student=[1] * 6, employer=[None] * 6, titles=[f"Askel {n}" for n in range(6)])
    roomy = emotion_curve(many, step_width=56)
    crowded = emotion_curve(many, step_width=10, band=100, font=11, angle=90)
    assert all(step.lines for step in roomy.steps)
    # 10 units apart, an 11-unit name every third step leaves a line's height between names.
    assert [bool(step.lines) for step in crowded.steps] == [True, False, False] * 2
    assert all(len(step.lines) == 1 for step in crowded.steps if step.lines)


def test_a_journey_without_scores_has_no_line():
    curve = emotion_curve(journey(student=[None] * 6, employer=[None] * 6))
    assert not curve.has_scores
    assert all(series.line == "" for series in curve.series)
