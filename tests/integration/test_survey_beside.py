"""Staff's self-assessment beside the employers' critical points (issue 17 item 6): the step's
page, "where it hurts most" and the sprint summary show the survey items linked to a step with
what the latest closed round with enough respondents says, and nothing a report would hide."""

import subprocess
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from tests.conftest import page, text_of
from tests.survey_data import answered_round
from workshop.competence import beside, services
from workshop.competence.aggregate import Figures, Hidden
from workshop.competence.models import Answer, AnswerKind, Response, RoundItem
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.sprints import document as sprint_document
from workshop.sprints import services as sprints

KEY = "apprenticeship.contact_provider"
CALM = (
    "A01"  # "I can explain to an employer how an apprenticeship and a training agreement differ."
)
CALM_TEXT = "I can explain to an employer how an apprenticeship and a training agreement differ."
GAP = "A02"  # "I route an employer to the right person first time."
GAP_TEXT = "I route an employer to the right person first time."
NO_ROUND = "no survey round with enough respondents has closed"


def shaped(role, item_id, rng):
    """Everyone agrees on A01 (4), nobody routes well (A02: 1 or 2), the rest at random."""
    if item_id == CALM:
        return AnswerKind.SCALE, 4, False
    if item_id == GAP:
        return AnswerKind.SCALE, 1 + (rng.random() < 0.5), rng.random() < 0.5
    return AnswerKind.SCALE, rng.randint(3, 5), False


def step_of(journey, key=KEY):
    return next(s for s in journeys.load_board(journey).steps if s.key == key)


def point_on(team, journey, step, title="Employer cannot find the right person"):
    point = points.report_point(
        team.workspace,
        journey,
        team.facilitator,
        points.NewPoint(
            step=step,
            title=title,
            severity=3,
            category="key:contact_person",
            report=points.ReportData(ReporterRole.EMPLOYER),
        ),
    )
    db.session.commit()
    return point


def step_url(team, journey, step):
    return f"/w/{team.workspace.id}/journeys/{journey.id}/steps/{step.id}/points?lang=en"


def staff_text(response) -> str:
    """The visible text of the page's staff self-assessment block."""
    block = page(response).select_one(".staff-view")
    assert block is not None, "no staff self-assessment block on the page"
    return " ".join(block.get_text(" ").split())


@pytest.fixture
def scene(team, journey, login):
    step = step_of(journey)
    point_on(team, journey, step)
    login(team.observer)
    return step


def test_a_step_shows_the_linked_items_mean_and_the_competence_gap(client, team, journey, scene):
    round_ = answered_round(team, {"TCH": 7, "WBL": 5}, answer=shaped)
    db.session.commit()
    response = client.get(step_url(team, journey, scene))
    assert response.status_code == 200
    text = staff_text(response)
    assert "Staff self-assessment" in text
    assert f"{CALM_TEXT} Mean 4.0 / 5 · 12 respondents · 0% want coaching" in text
    # The gap item carries the marker, and says for whom it is a coaching target.
    gap = next(li for li in page(response).select(".staff-item") if GAP_TEXT in li.get_text())
    assert "staff-item--gap" in gap["class"]
    assert "Competence gap" in gap.get_text()
    assert "Coaching target for Everyone" in " ".join(gap.get_text(" ").split())
    calm = next(li for li in page(response).select(".staff-item") if CALM_TEXT in li.get_text())
    assert "Competence gap" not in calm.get_text()
    # The round is named and linked.
    assert "Survey round “Kevät”" in text and "12 respondents" in text
    link = page(response).select_one(".staff-view a")
    assert link["href"] == f"/w/{team.workspace.id}/survey/rounds/{round_.id}/report"
    # What the block shows is the report's total, computed nowhere else.
    row = services.report_of(round_).item(CALM)
    assert isinstance(row.total, Figures) and row.total.mean == 4.0 and row.total.n == 12


def test_a_role_under_k_never_shows_its_values_beside_the_points(client, team, journey, scene):
    def split(role, item_id, rng):
        # The small office group answers 1 everywhere; teachers answer 5.
        return AnswerKind.SCALE, 1 if role == "OFF" else 5, role == "OFF"

    round_ = answered_round(team, {"TCH": 7, "OFF": 4}, answer=split)
    db.session.commit()
    report = services.report_of(round_)
    assert isinstance(report.item(CALM).by_role["OFF"], Hidden)
    text = staff_text(client.get(step_url(team, journey, scene)))
    # Only the total: 11 people, mean (7×5 + 4×1) / 11. Never the office group's own figures.
    assert "Mean 3.5 / 5 · 11 respondents · 36% want coaching" in text
    assert "Mean 1.0" not in text and "4 respondents" not in text and "100%" not in text
    assert "Office staff" not in text and "OFF" not in text


def test_a_hidden_total_shows_under_k_and_no_figure(client, team, journey, scene):
    round_ = answered_round(team, {"TCH": 6}, answer=shaped)
    # Two people's answers to A01 are gone: the item's total falls under k.
    calm = db.session.scalar(
        select(RoundItem.id).where(RoundItem.round_id == round_.id, RoundItem.item_id == CALM)
    )
    responses = db.session.scalars(
        select(Response.id).where(Response.round_id == round_.id).limit(2)
    ).all()
    db.session.execute(
        delete(Answer).where(Answer.round_item_id == calm, Answer.response_id.in_(responses))
    )
    db.session.commit()
    assert isinstance(services.report_of(round_).item(CALM).total, Hidden)
    response = client.get(step_url(team, journey, scene))
    calm_row = next(li for li in page(response).select(".staff-item") if CALM_TEXT in li.get_text())
    assert " ".join(calm_row.get_text(" ").split()) == f"{CALM_TEXT} < 5 · too few answers to show"
    assert "4.0" not in staff_text(response) and "4 respondents" not in staff_text(response)


def test_a_step_of_its_own_gets_the_items_about_its_critical_points_category(
    client, team, journey, scene
):
    board = journeys.load_board(journey)
    step = journeys.add_step(
        journey, team.facilitator, board.stages[0].id, board.lanes[0].id, "Oma"
    )
    assert step.key not in {k for item in services.latest_bank().items for k in item.steps}
    points.report_point(
        team.workspace,
        journey,
        team.facilitator,
        points.NewPoint(
            step=step,
            title="Nobody knows who assesses",
            severity=2,
            category="key:assessment",
            report=points.ReportData(ReporterRole.EMPLOYER),
        ),
    )

    def demonstration_gap(role, item_id, rng):
        if item_id == "A05":
            return AnswerKind.SCALE, 2, True
        return AnswerKind.SCALE, 4, False

    answered_round(team, {"TCH": 7, "WBL": 5}, answer=demonstration_gap)
    db.session.commit()
    response = client.get(step_url(team, journey, step))
    text = staff_text(response)
    # A05 and B06 are about assessment, and no item is linked to a step the team added itself:
    # the gap among them stands beside it, the item without one does not.
    assert "Competence gaps on the categories of its critical points" in text
    assert "I can explain what a competence demonstration is and who assesses it." in text
    assert "Mean 2.0 / 5 · 12 respondents · 100% want coaching ▲ Competence gap" in text
    assert "I plan and assess the demonstration with the working-life assessor." not in text
    assert "No survey item is linked to this step" not in text
    # And beside the same step in where it hurts most.
    card = next(
        c
        for c in page(client.get(f"/w/{team.workspace.id}/insights?lang=en")).select(".spot-card")
        if "Nobody knows who assesses" in c.get_text()
    )
    assert "who assesses it." in card.get_text()


def test_another_workspaces_round_never_shows(client, team, journey, scene, make_team):
    other = make_team(facilitator="Olga", workspace="Toinen opisto", participant=None)
    answered_round(other, {"TCH": 7, "WBL": 5}, answer=shaped)
    db.session.commit()
    text = staff_text(client.get(step_url(team, journey, scene)))
    assert NO_ROUND in text and "Mean" not in text
    assert beside.staff_view(team.workspace, [KEY]) is None


def test_no_round_and_an_open_round_say_so_and_show_nothing(client, team, journey, scene):
    assert NO_ROUND in staff_text(client.get(step_url(team, journey, scene)))
    # A round still open shows nothing, however many have answered.
    round_ = answered_round(team, {"TCH": 7, "WBL": 5}, answer=shaped)
    round_.closes_on = date.today() + timedelta(days=3)
    db.session.commit()
    text = staff_text(client.get(step_url(team, journey, scene)))
    assert NO_ROUND in text and "Mean" not in text


def test_where_it_hurts_most_puts_the_self_assessment_on_the_step(client, team, journey, scene):
    answered_round(team, {"TCH": 7, "WBL": 5}, answer=shaped)
    db.session.commit()
    response = client.get(f"/w/{team.workspace.id}/insights?lang=en")
    card = next(
        c for c in page(response).select(".spot-card") if "Employer cannot find" in c.get_text()
    )
    text = " ".join(card.get_text(" ").split())
    assert "Staff self-assessment" in text and "Mean 4.0 / 5" in text
    assert "Competence gap" in text
    assert "Survey round “Kevät”" in text_of(response)


def test_where_it_hurts_most_without_a_round_says_so_once(client, team, journey, scene):
    response = client.get(f"/w/{team.workspace.id}/insights?lang=en")
    assert text_of(response).count(NO_ROUND) == 1
    assert not page(response).select(".spot-card .staff-items")


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True)
    assert out.returncode == 0
    return " ".join(out.stdout.decode().split())


def make_sprint(team, journey):
    sprint = sprints.create_sprint(
        team.workspace,
        team.facilitator,
        sprints.SprintData("Kevään sprintti", "Haaste", None, None, ["Ymmärrä"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    db.session.commit()
    return sprint


def summary_url(team, sprint, pdf=False):
    return f"/w/{team.workspace.id}/sprints/{sprint.id}/summary{'.pdf' if pdf else ''}?lang=en"


CHAPTER = "Staff self-assessment beside the critical points"


def test_the_sprint_summary_and_pdf_include_the_view_when_asked(client, team, journey, scene):
    answered_round(team, {"TCH": 7, "WBL": 5}, answer=shaped)
    sprint = make_sprint(team, journey)
    plain = text_of(client.get(summary_url(team, sprint)))
    assert CHAPTER not in plain and GAP_TEXT not in plain
    shown = client.get(summary_url(team, sprint) + "&names=1")
    assert page(shown).find("a", string="Show the staff self-assessment")["href"] == (
        "?lang=en&names=1&staff=1"
    )
    asked = client.get(summary_url(team, sprint) + "&staff=1")
    assert page(asked).find("a", string="Hide the staff self-assessment")["href"] == "?lang=en"
    assert page(asked).find("input", attrs={"name": "staff"}).has_attr("checked")
    text = text_of(asked)
    assert CHAPTER in text
    block = " ".join(page(asked).select_one(".staff-step").get_text(" ").split())
    assert "Employer cannot find the right person" in block
    assert GAP_TEXT in block and "Competence gap" in block and "Mean 4.0 / 5" in block
    printed = pdf_text(client.get(summary_url(team, sprint, pdf=True) + "&staff=1").data)
    assert CHAPTER in printed and "Competence gap" in printed and "Mean 4.0 / 5" in printed
    assert CHAPTER not in pdf_text(client.get(summary_url(team, sprint, pdf=True)).data)


def test_a_closed_sprint_keeps_the_view_it_closed_with(client, team, journey, scene):
    answered_round(team, {"TCH": 7, "WBL": 5}, answer=shaped)
    sprint = make_sprint(team, journey)
    sprints.close_sprint(sprint, team.facilitator)
    db.session.commit()
    stored = sprint.snapshot.document
    assert stored["version"] == sprint_document.SCHEMA_VERSION == 3
    assert [item["id"] for item in stored["staff"]["steps"][KEY]][:2] == [CALM, GAP]
    # A later round says otherwise; the closed sprint's summary still shows what it froze.
    later = answered_round(team, {"TCH": 8}, answer=lambda *_: (AnswerKind.SCALE, 5, False))
    later.opens_on += timedelta(days=1)
    db.session.commit()
    assert beside.staff_view(team.workspace, [KEY]).round_id == later.id
    text = text_of(client.get(summary_url(team, sprint) + "&staff=1"))
    assert "Mean 4.0 / 5 · 12 respondents" in text and "Competence gap" in text


def test_the_frozen_view_and_its_pdf_hold_round_totals_only(client, team, journey, scene):
    def split(role, item_id, rng):
        return AnswerKind.SCALE, 1 if role == "OFF" else 5, role == "OFF"

    answered_round(team, {"TCH": 7, "OFF": 4}, answer=split)
    sprint = make_sprint(team, journey)
    sprints.close_sprint(sprint, team.facilitator)
    db.session.commit()
    staff = sprint.snapshot.document["staff"]
    for items in staff["steps"].values():
        for item in items:
            assert set(item) == {
                "id", "level", "text", "n", "mean", "coaching_share", "flagged_for", "via"
            }  # fmt: skip
            assert item["n"] in (None, 11) and "OFF" not in item["flagged_for"]
    assert "OFF" not in staff["roles"]
    printed = pdf_text(client.get(summary_url(team, sprint, pdf=True) + "&staff=1").data)
    assert "Mean 3.5 / 5 · 11 respondents" in printed
    assert "Mean 1.0" not in printed and "4 respondents" not in printed


def test_an_older_snapshot_says_it_recorded_no_self_assessment(client, team, journey, scene):
    answered_round(team, {"TCH": 7, "WBL": 5}, answer=shaped)
    sprint = make_sprint(team, journey)
    sprints.close_sprint(sprint, team.facilitator)
    old = {
        k: v for k, v in sprint.snapshot.document.items() if k not in {"staff", "staff_recorded"}
    }
    sprint.snapshot.document = {**old, "version": 2}
    db.session.commit()
    document = sprints.document_of(sprint)
    assert document.staff is None and not document.staff_recorded
    text = text_of(client.get(summary_url(team, sprint) + "&staff=1"))
    assert "closed before Polku recorded the staff self-assessment" in text
    assert "Mean" not in text


def test_a_share_link_never_shows_the_self_assessment(client, team, journey, scene):
    answered_round(team, {"TCH": 7, "WBL": 5}, answer=shaped)
    sprint = make_sprint(team, journey)
    _link, token = sprints.create_share_link(sprint, team.facilitator, "", None)
    db.session.commit()
    client.get("/logout")
    shared = client.get(f"/shared/{token}?lang=en&staff=1")
    assert shared.status_code == 200
    assert CHAPTER not in text_of(shared) and "staff=1" not in shared.text
    printed = pdf_text(client.get(f"/shared/{token}/summary.pdf?lang=en&staff=1").data)
    assert CHAPTER not in printed and GAP_TEXT not in printed


def test_the_step_names_a_coaching_target_in_the_reports_words(client, team, journey, scene):
    """One concept, one word: beside the points a flagged item says for whom it is a coaching
    target exactly as the round's report does (fi "Valmennuskohde: Kaikki, …", sv "Coachningsmål
    för: …"), not with words of its own."""
    round_ = answered_round(team, {"TCH": 7, "WBL": 5}, answer=shaped)
    db.session.commit()
    report_url = f"/w/{team.workspace.id}/survey/rounds/{round_.id}/report"
    for lang in ("fi", "sv"):
        with client.session_transaction() as session:
            session["lang"] = lang
        step_page = page(client.get(step_url(team, journey, scene).replace("=en", f"={lang}")))
        gap = step_page.select_one(".staff-item--gap")
        beside_flag = " ".join(gap.select_one(".staff-item__for").get_text(" ").split())
        report = page(client.get(f"{report_url}?lang={lang}"))
        flags = {" ".join(f.get_text(" ").split()) for f in report.select(".survey-flag")}
        assert beside_flag in flags, (lang, beside_flag, flags)
