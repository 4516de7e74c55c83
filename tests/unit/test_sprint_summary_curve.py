"""The printed emotion curve comes in the map's parts, all at one scale."""

import itertools

from workshop.journeys.document import JourneyDocument, Lane, Stage, Step
from workshop.journeys.models import JourneyKind
from workshop.sprints.summary import CURVE_WIDTH, _map_pages


def journey(stages: int, steps_per_stage: int) -> JourneyDocument:
    steps = [
        Step(
            key=f"{stage}-{n}",
            stage=f"s{stage}",
            lane="l1",
            title=f"Askel {stage}.{n}",
            # Every other step of the employer has no score: the line breaks there.
            emotion_student=(stage + n) % 5 - 2,
            emotion_employer=None if n % 2 else 1,
        )
        for stage in range(1, stages + 1)
        for n in range(steps_per_stage)
    ]
    return JourneyDocument(
        name="Polku",
        kind=JourneyKind.CUSTOM,
        language="fi",
        stages=tuple(Stage(f"s{s}", f"Vaihe {s}") for s in range(1, stages + 1)),
        lanes=(Lane("l1", "Opiskelija"),),
        steps=tuple(steps),
    )


def test_each_map_page_has_the_curve_of_its_own_stages():
    pages = _map_pages(journey(stages=9, steps_per_stage=20))
    assert [(p.first_stage_number, p.last_stage_number) for p in pages] == [(1, 3), (4, 6), (7, 9)]
    for page in pages:
        student, employer = page.curve.series
        assert len(student.points) == 3 * 20
        assert len(employer.points) == 3 * 10
        # The stages are numbered as on the map, not from 1 on every page.
        assert [number for _x, _label, number in page.curve.stage_marks] == list(
            range(page.first_stage_number, page.last_stage_number + 1)
        )
        assert page.curve.width <= CURVE_WIDTH


def test_every_part_is_drawn_at_the_same_scale():
    pages = _map_pages(journey(stages=5, steps_per_stage=30))  # parts of 3 and 2 stages
    spacing = {
        round(b[0] - a[0], 3)
        for page in pages
        for a, b in itertools.pairwise(page.curve.series[0].points)
    }
    assert len(spacing) == 1
    widths = [page.curve.width for page in pages]
    assert widths[0] <= CURVE_WIDTH and widths[1] < widths[0]


def test_the_marks_of_a_perspective_are_one_path_with_a_shape_per_scored_step():
    student, employer = _map_pages(journey(stages=2, steps_per_stage=4))[0].curve.series
    assert student.marks(5).count("M") == len(student.points) == 8
    assert student.marks(5).count("a5,5") == 2 * 8  # a circle is two arcs
    assert employer.marks(5).count("M") == len(employer.points) == 4
    assert employer.marks(5).count("z") == 4  # a square is a closed path


def test_marks_shrink_when_steps_stand_close_so_they_do_not_merge():
    roomy = _map_pages(journey(stages=2, steps_per_stage=4))[0].curve
    crowded = _map_pages(journey(stages=20, steps_per_stage=50))[0].curve  # 200 steps a row
    assert roomy.mark_radius == 5
    step = crowded.series[0].points[1][0] - crowded.series[0].points[0][0]
    assert 1.5 <= crowded.mark_radius < step / 2  # neighbours' circles do not touch
