"""The evidence pack of a sparring session (issue 18 item 2): ranked points by step, the staff
survey under its anonymity rules, open commitments, frozen with the session, ≤ 4 A4 pages, in
the host's language, behind share links that can be withdrawn."""

import subprocess
from datetime import date, timedelta

import pytest

from tests.conftest import PASSWORD, page, text_of
from tests.survey_data import answered_round
from workshop.competence.models import AnswerKind
from workshop.critical_points import ranking
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.followup import services as followup
from workshop.journeys import services as journeys
from workshop.sparring import evidence
from workshop.sparring import services as sparring
from workshop.sparring.models import Commitment, SparrerRole


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True)
    assert out.returncode == 0
    return " ".join(out.stdout.decode().split())


def pdf_pages(data: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, text=False)
    line = next(x for x in out.stdout.decode().splitlines() if x.startswith("Pages:"))
    return int(line.split()[1])


def add_point(team, journey, step, title, severity=2, role=ReporterRole.EMPLOYER):
    return points.report_point(
        team.workspace,
        journey,
        team.facilitator,
        points.NewPoint(step=step, title=title, severity=severity, report=points.ReportData(role)),
    )


@pytest.fixture
def scene(team, journey, login):
    series = sparring.create_series(
        team.workspace, team.facilitator, "Sparraus", "Johtoryhmä", "fi"
    )
    held = sparring.plan_session(series, team.facilitator, date.today() - timedelta(days=60))
    upcoming = sparring.plan_session(series, team.facilitator, date.today() + timedelta(days=14))
    follow_up = followup.create_follow_up(
        team.workspace, team.facilitator, "Yksi yhteyshenkilö työnantajille", held.held_on
    )
    held.commitments.append(
        Commitment(position=0, follow_up=follow_up, first_when="kun", first_then="niin")
    )
    steps = journeys.load_board(journey).steps
    made = [
        add_point(team, journey, steps[n % 4], f"Kohta {n}", severity=1 + n % 3) for n in range(6)
    ]
    db.session.commit()
    login(team.facilitator)
    return {"series": series, "session": upcoming, "points": made}


def pack_url(team, session, suffix=""):
    return f"/w/{team.workspace.id}/sparring/sessions/{session.id}/pack{suffix}"


def test_the_pack_ranks_points_by_the_one_ranking_and_lists_open_commitments(
    app, client, team, scene
):
    pack = evidence.build(scene["session"])
    expected = ranking.ranked(
        ranking.TalliedPoint(p, t)
        for p, t in zip(
            scene["points"],
            [ranking.tallies([p.id for p in scene["points"]])[p.id] for p in scene["points"]],
            strict=True,
        )
    )
    assert [p.id for p in ranking.ranked(pack.points)] == [p.id for p in expected]
    assert [p.id for p in pack.points] == [p.id for p in expected]
    assert [c.title for c in pack.commitments] == ["Yksi yhteyshenkilö työnantajille"]
    assert all(r.role == "employer" for p in pack.points for r in p.reporters)
    text = text_of(client.get(pack_url(team, scene["session"])))
    assert "Yksi yhteyshenkilö työnantajille" in text and "Luonnos" in text
    assert evidence.EvidencePack.from_dict(pack.to_dict()) == pack


def test_a_survey_role_under_k_is_absent(app, client, team, scene):
    def split(role, item_id, rng):
        return AnswerKind.SCALE, 1 if role == "OFF" else 5, role == "OFF"

    answered_round(team, {"TCH": 7, "WBL": 5, "OFF": 2}, answer=split)
    db.session.commit()
    pack = evidence.build(scene["session"])
    assert pack.survey is not None and pack.survey.respondents == 14
    names = " ".join(pack.survey.groups)
    assert "Toimisto" not in names and "Office" not in names and "OFF" not in names
    # The office staff are pooled in "Other" with the smallest group; never a column of their own.
    assert len(pack.survey.groups) == 2


def test_a_frozen_pack_stays_on_the_page_pdf_and_share_link(app, client, team, scene):
    session = scene["session"]
    response = client.post(pack_url(team, session, "/freeze"))
    assert response.status_code == 303
    db.session.refresh(session)
    assert session.pack is not None and session.pack_frozen_at is not None
    first = scene["points"][0]
    first.title = "Muutettu otsikko"
    add_point(team, first.journey, first.step, "Uusi kohta jäädyttämisen jälkeen")
    db.session.commit()
    page = text_of(client.get(pack_url(team, session)))
    assert "Kohta 0" in page and "Muutettu otsikko" not in page and "Uusi kohta" not in page
    assert "Luonnos" not in page
    pdf = client.get(pack_url(team, session, ".pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "Kohta 0" in text and "Muutettu otsikko" not in text
    assert "lähtötietopaketti" in text.casefold()
    client.post(pack_url(team, session, "/shares"))
    with client.session_transaction() as stored:
        link = stored["new_pack_share"][1]
    shared = client.get(link)
    assert shared.status_code == 200 and "Muutettu otsikko" not in text_of(shared)
    assert "Kohta 0" in text_of(shared)


def test_a_held_session_cannot_be_frozen_again(app, client, team, scene):
    session = scene["session"]
    client.post(pack_url(team, session, "/freeze"))
    db.session.refresh(session)
    frozen = session.pack
    session.held_at = session.pack_frozen_at
    scene["points"][0].title = "Muutettu"
    db.session.commit()
    client.post(pack_url(team, session, "/freeze"))
    db.session.refresh(session)
    assert session.pack == frozen


def test_a_withdrawn_share_link_answers_410(app, client, team, scene):
    session = scene["session"]
    client.post(pack_url(team, session, "/shares"))
    with client.session_transaction() as stored:
        link = stored["new_pack_share"][1]
    assert client.get(link).status_code == 200
    share = evidence.pack_shares(session)[0]
    client.post(pack_url(team, session, f"/shares/{share.id}/withdraw"))
    assert client.get(link).status_code == 410
    assert client.get(link + ".pdf").status_code == 410
    assert client.get("/sp/pack/not-a-token").status_code == 404


def test_another_workspaces_session_is_404(app, client, team, scene, make_team):
    other = make_team(facilitator="Olga", workspace="Muu")
    series = sparring.create_series(other.workspace, other.facilitator, "S", "J", "fi")
    foreign = sparring.plan_session(series, other.facilitator, date.today())
    db.session.commit()
    assert client.get(pack_url(team, foreign)).status_code == 404
    assert (
        client.get(f"/w/{team.workspace.id}/sparring/sessions/{foreign.id}/pack.pdf").status_code
        == 404
    )
    assert client.post(pack_url(team, foreign, "/freeze")).status_code == 404


def test_a_long_pack_is_cut_to_four_pages_in_finnish_and_swedish(app, client, team, scene, journey):
    steps = journeys.load_board(journey).steps
    for n in range(60):
        add_point(team, journey, steps[n % len(steps)], f"Pitkä kriittinen kohta numero {n} " * 3)
    answered_round(team, {"TCH": 7, "WBL": 5})
    db.session.commit()
    session = scene["session"]
    draft = client.get(pack_url(team, session, ".pdf")).data
    assert pdf_pages(draft) <= 4
    client.post(pack_url(team, session, "/freeze"))
    data = client.get(pack_url(team, session, ".pdf")).data
    assert pdf_pages(data) <= 4
    text = pdf_text(data)
    assert "Kriittiset kohdat palvelupolun askelittain" in text
    db.session.refresh(session)
    pack = evidence.load(session.pack)
    # The lowest-ranked points went, and the pack says how many.
    whole = evidence.build(session, limit=None)
    assert pack.points_left_out == len(whole.points) - len(pack.points) > 0
    assert [p.id for p in ranking.ranked(pack.points)] == [
        p.id for p in ranking.ranked(whole.points)[: len(pack.points)]
    ]
    assert f"{pack.points_left_out} alemmas sijoittunutta kohtaa jätettiin pois" in text
    series = scene["series"]
    series.language = "sv"
    session.pack = None
    db.session.commit()
    client.post(pack_url(team, session, "/freeze"))
    data = client.get(pack_url(team, session, ".pdf")).data
    assert pdf_pages(data) <= 4
    text = pdf_text(data)
    assert "underlagspaket" in text.casefold() and "Kritiska punkter per steg" in text
    assert "lägre rankade punkter lämnades bort" in text


def test_a_sparrer_reads_the_frozen_pack_from_their_own_link_only(app, client, team, scene):
    session = scene["session"]
    sparrer = sparring.add_sparrer(scene["series"], "Eeva", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
    db.session.commit()
    own = f"/sp/{sparring.sparrer_token(sparrer)}/sessions/{session.id}/pack"
    # Nothing before the pack is frozen: a draft is the host's, not the sparrers'.
    assert client.get(own).status_code == 404
    client.post(pack_url(team, session, "/freeze"))
    client = app.test_client()  # the sparrer has no account
    assert client.get(own).status_code == 200
    assert "Kohta 0" in text_of(client.get(own))
    assert client.get(own + ".pdf").mimetype == "application/pdf"
    other = make_other_session(team)
    assert (
        client.get(f"/sp/{sparring.sparrer_token(sparrer)}/sessions/{other.id}/pack").status_code
        == 404
    )
    sparrer.revoked_at = sparrer.created_at
    db.session.commit()
    assert client.get(own).status_code == 404


def make_other_session(team):
    series = sparring.create_series(team.workspace, team.facilitator, "Toinen", "Johtoryhmä", "fi")
    found = sparring.plan_session(series, team.facilitator, date.today())
    found.pack = {"format": "x"}
    db.session.commit()
    return found


def test_only_a_facilitator_freezes_or_shares(app, team, scene):
    session = scene["session"]
    client = app.test_client()
    client.post("/login", data={"email": team.participant.email, "password": PASSWORD})
    assert client.get(pack_url(team, session)).status_code == 200
    assert client.post(pack_url(team, session, "/freeze")).status_code == 403
    assert client.post(pack_url(team, session, "/shares")).status_code == 403
    db.session.refresh(session)
    assert session.pack is None and evidence.pack_shares(session) == []


def test_the_pack_page_leads_back_to_the_session_or_the_sparrers_own_page(app, client, team, scene):
    session = scene["session"]
    sparrer = sparring.add_sparrer(scene["series"], "Eeva", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
    db.session.commit()
    members = page(client.get(pack_url(team, session)))
    session_url = f"/w/{team.workspace.id}/sparring/sessions/{session.id}"
    assert session_url in [a["href"] for a in members.select(".preview-bar a")]
    client.post(pack_url(team, session, "/freeze"))
    landing = f"/sp/{sparring.sparrer_token(sparrer)}"
    own = page(app.test_client().get(f"{landing}/sessions/{session.id}/pack"))
    assert [a["href"] for a in own.select(".preview-bar a")][0] == landing


def test_a_sparrers_page_says_when_the_pack_comes_before_it_is_frozen(app, client, team, scene):
    sparrer = sparring.add_sparrer(scene["series"], "Eeva", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
    db.session.commit()
    landing = f"/sp/{sparring.sparrer_token(sparrer)}"
    before = text_of(app.test_client().get(landing, headers={"Accept-Language": "en"}))
    assert "The evidence pack for the session comes here before the session" in before
    client.post(pack_url(team, scene["session"], "/freeze"))
    after = text_of(app.test_client().get(landing, headers={"Accept-Language": "en"}))
    assert "comes here before the session" not in after and "Evidence pack of the session" in after
