"""What a round's report may show: no group under k, not even by subtracting what is shown.

The report is built in the service layer; these tests read it as every output does and
compare it with what the answers in the database really are.
"""

from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.survey_data import answered_round
from workshop.competence import services
from workshop.competence.aggregate import OTHER, Figures, Hidden, Thresholds, build_report
from workshop.competence.models import Answer, AnswerKind, Response, RoundItem
from workshop.extensions import db

pytestmark = pytest.mark.usefixtures("app")
STRICT = Thresholds(median_max=2, coaching_share=0.3)


def true_counts(round_, item_id, **where):
    """The real histogram of a group's answers to an item, read straight from the answers."""
    query = (
        select(Answer.kind, Answer.value, Answer.coaching)
        .join(Answer.item)
        .join(Answer.response)
        .where(Response.round_id == round_.id, RoundItem.item_id == item_id)
    )
    for column, value in where.items():
        query = query.where(getattr(Response, column) == value)
    rows = db.session.execute(query).all()
    scale = Counter(v for kind, v, _c in rows if kind == AnswerKind.SCALE)
    return (
        tuple(scale[v] for v in range(1, 6)),
        sum(kind == AnswerKind.NA for kind, _v, _c in rows),
        sum(kind == AnswerKind.DK for kind, _v, _c in rows),
        sum(c for _k, _v, c in rows),
    )


def histogram(cell: Figures):
    return cell.counts, cell.na, cell.dk, cell.coaching


def minus(a, b):
    return (
        tuple(x - y for x, y in zip(a[0], b[0], strict=True)),
        a[1] - b[1],
        a[2] - b[2],
        a[3] - b[3],
    )


def test_a_small_role_is_pooled_with_the_next_smallest_and_cannot_be_subtracted_out(team):
    round_ = answered_round(team, {"TCH": 7, "WBL": 5, "OFF": 4})
    report = services.report_of(round_)
    assert report.respondents == 16
    assert report.roles.pooled == {"OFF", "WBL"}
    assert report.roles.columns == ("OFF", "TCH", "WBL", OTHER)
    for row in report.items:
        assert row.by_role["OFF"] == Hidden("pooled")
        assert row.by_role["WBL"] == Hidden("pooled")
        other, tch = row.by_role[OTHER], row.by_role["TCH"]
        assert other.n == 9 and tch.n == 7 and row.total.n == 16
        # What the shown cells give by subtraction is "Other" (9 people), never OFF's own 4.
        assert minus(histogram(row.total), histogram(tch)) == histogram(other)
        off = true_counts(round_, row.key, role="OFF")
        assert histogram(other) != off
        assert histogram(tch) == true_counts(round_, row.key, role="TCH")
    for row in report.levels:
        assert isinstance(row.by_role["OFF"], Hidden)


def test_two_small_roles_that_reach_k_together_are_other_on_their_own(team):
    report = services.report_of(answered_round(team, {"TCH": 8, "SC": 3, "OFF": 3}))
    assert report.roles.pooled == {"OFF", "SC"}
    row = report.items[0]
    assert row.by_role[OTHER].n == 6 and row.by_role["TCH"].n == 8


def test_one_small_role_beside_one_other_hides_the_whole_breakdown_in_other(team):
    report = services.report_of(answered_round(team, {"TCH": 6, "OFF": 4}))
    assert report.roles.pooled == {"OFF", "TCH"}
    row = report.items[0]
    assert row.by_role["TCH"] == Hidden("pooled")
    assert histogram(row.by_role[OTHER]) == histogram(row.total)


def test_a_round_under_k_shows_nothing_at_all(team):
    report = services.report_of(answered_round(team, {"TCH": 2, "OFF": 2}, free_text=True))
    assert not report.shown and report.respondents is None and report.free_text is None
    for row in report.items + report.levels:
        assert row.total == Hidden("small") and row.flagged_for == ()
        assert all(isinstance(cell, Hidden) for cell in row.by_role.values())


def test_units_are_cut_the_same_way(team):
    round_ = answered_round(
        team,
        {"TCH": 9, "WBL": 6},
        units={"TCH": {"Tekniikka": 7, "Palvelut": 2}, "WBL": {"Tekniikka": 1, "Palvelut": 5}},
    )
    report = services.report_of(round_)
    names = {v: k for k, v in report.unit_names.items()}
    tekniikka, palvelut = names["Tekniikka"], names["Palvelut"]
    row = report.items[0]
    assert row.by_unit[tekniikka].n == 8
    assert row.by_unit[palvelut].n == 7
    assert report.units.pooled == frozenset()


def test_a_role_taken_off_the_round_still_counts_in_a_group_not_only_in_the_total(team):
    round_ = answered_round(team, {"TCH": 7, "WBL": 6, "OFF": 3})
    round_.roles = ["TCH", "WBL"]
    db.session.flush()
    report = services.report_of(round_)
    assert "OFF" in report.roles.groups and "OFF" in report.roles.pooled
    row = report.items[0]
    assert minus(histogram(row.total), histogram(row.by_role["TCH"])) == histogram(
        row.by_role[OTHER]
    )


def test_means_and_medians_leave_na_and_cant_say_out(team):
    def answer(role, item_id, rng):
        index = int(rng.random() * 1000) % 4
        return [
            (AnswerKind.SCALE, 2, False),
            (AnswerKind.SCALE, 4, False),
            (AnswerKind.NA, None, False),
            (AnswerKind.DK, None, False),
        ][index]

    round_ = answered_round(team, {"TCH": 12}, answer=answer)
    row = services.report_of(round_).items[0]
    counts, na, dk, _c = true_counts(round_, row.key)
    scale = [v for v in range(1, 6) for _ in range(counts[v - 1])]
    assert row.total.mean == pytest.approx(sum(scale) / len(scale))
    assert row.total.na == na and row.total.dk == dk
    assert row.total.share(na) == pytest.approx(na / 12)


def test_an_item_is_flagged_by_low_median_or_by_many_asking_for_coaching(team):
    def answer(role, item_id, rng):
        if item_id == "A01" and role == "TCH":
            return AnswerKind.SCALE, 2, False
        if item_id == "C08":
            # A manager's item: the teachers' low answers make no coaching target of it.
            return AnswerKind.SCALE, 1, role == "TCH"
        if item_id == "B04" and role == "WBL":
            # 2 of 5 (40 %) ask for coaching, though their answers are high.
            return AnswerKind.SCALE, 5, rng.random() < 0.5
        return AnswerKind.SCALE, 4, False

    round_ = answered_round(team, {"TCH": 6, "WBL": 6}, answer=answer)
    report = build_report(round_, STRICT, date.today())
    assert "TCH" in report.item("A01").flagged_for
    assert "WBL" not in report.item("A01").flagged_for
    b04 = report.item("B04")
    wanted = b04.by_role["WBL"].coaching / 6
    assert ("WBL" in b04.flagged_for) == (wanted >= 0.3)
    assert report.item("A02").flagged_for == ()
    assert "TCH" not in report.item("C08").flagged_for
    assert "ALL" in report.item("C08").flagged_for
    # Looser thresholds flag nothing on the high answers.
    relaxed = build_report(round_, Thresholds(median_max=1, coaching_share=0.99), date.today())
    assert relaxed.item("B04").flagged_for == ()


def test_free_text_is_institution_wide_sorted_and_only_at_k(team):
    report = services.report_of(answered_round(team, {"TCH": 5, "OFF": 2}, free_text=True))
    assert report.free_text == tuple(sorted(report.free_text, key=str.casefold))
    assert len(report.free_text) == 7


def test_an_open_round_shows_no_figure_until_it_closes(team):
    """A total watched from day to day would give each new answer away, k or not."""
    round_ = answered_round(team, {"TCH": 9, "WBL": 6}, free_text=True)
    round_.closes_on = date.today() + timedelta(days=3)
    db.session.flush()
    report = services.report_of(round_)
    assert not report.closed and report.respondents is None and report.free_text is None
    for row in report.items + report.levels:
        assert row.total == Hidden("open") and row.flagged_for == ()
        assert set(row.by_role.values()) == {Hidden("open")}
    round_.closed_at = round_.locked_at
    db.session.flush()
    assert services.report_of(round_).respondents == 15
