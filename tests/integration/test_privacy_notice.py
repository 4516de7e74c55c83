"""Each workspace's privacy notice: a default built from what Polku keeps, the facilitators' own
text in each language, and guests reading it by join code or personal link before joining."""

import pytest

from tests.conftest import page, text_of
from tests.sparring_data import open_room
from workshop.extensions import db
from workshop.followup import links as follow_links
from workshop.followup import services as followup
from workshop.followup.models import LinkRole
from workshop.models_base import utcnow
from workshop.sparring import services as sparring
from workshop.sparring.models import SparrerRole


@pytest.fixture
def live(team, journey):
    _run_page, live = open_room(team.workspace, team.facilitator)
    db.session.commit()
    return live


def test_the_default_notice_names_the_workspace_what_is_kept_and_for_how_long(client, login, team):
    login(team.observer)
    response = client.get(f"/w/{team.workspace.id}/privacy")
    assert response.status_code == 200
    text = text_of(response)
    assert "Test workspace" in text and "Fiia" in text  # whom to contact
    assert "90 days after the workshop ended" in text
    assert "first part of the address" in text
    assert "Data Protection Ombudsman" in text
    assert "Edit in" not in text  # only facilitators edit


def test_the_default_follows_the_retention_setting_and_the_language(make_app, make_team):
    app = make_app(GUEST_NAME_DAYS=30)
    client = app.test_client()
    team = make_team()
    client.post(
        "/login", data={"email": team.facilitator.email, "password": "correct horse battery"}
    )
    text = text_of(client.get(f"/w/{team.workspace.id}/privacy", headers={"Accept-Language": "fi"}))
    assert "30 päivää työpajan päättymisen jälkeen" in text
    assert "Tietosuojaseloste" in text


def test_facilitators_write_their_own_in_each_language_and_go_back_to_the_default(
    client, login, team
):
    login(team.facilitator)
    base = f"/w/{team.workspace.id}/privacy"
    form = client.get(f"{base}/sv/edit")
    assert form.status_code == 200
    assert "# " in page(form).select_one("textarea").text  # starts from the text shown now
    body = "# Vem ansvarar\n\nOpisto Ab ansvarar.\n\n- Namn\n- Roller"
    assert client.post(f"{base}/sv/edit", data={"body": body}).status_code == 303
    swedish = client.get(base, headers={"Accept-Language": "sv"})
    soup = page(swedish)
    assert [h.text for h in soup.select("article h2")][:1] == ["Vem ansvarar"]
    assert [li.text for li in soup.select("article ul li")][:2] == ["Namn", "Roller"]
    english = text_of(client.get(base))
    assert "Opisto Ab" not in english and "Who is responsible for the data" in english

    assert client.post(f"{base}/sv/reset").status_code == 303
    assert "Opisto Ab" not in text_of(client.get(base, headers={"Accept-Language": "sv"}))


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "Write the notice"), ("x" * 20_001, "at most 20000 characters")],
)
def test_an_empty_or_oversized_notice_is_refused_and_changes_nothing(
    client, login, team, body, message
):
    login(team.facilitator)
    base = f"/w/{team.workspace.id}/privacy"
    response = client.post(f"{base}/fi/edit", data={"body": body})
    assert response.status_code == 422
    assert message in text_of(response)
    assert "Who is responsible for the data" in text_of(client.get(base))


def test_only_facilitators_edit_and_only_known_languages(client, login, team):
    base = f"/w/{team.workspace.id}/privacy"
    login(team.facilitator)
    assert client.get(f"{base}/de/edit").status_code == 404
    assert client.get("/w/999999/privacy").status_code == 404


def test_a_participant_cannot_edit_the_notice(client, login, team):
    base = f"/w/{team.workspace.id}/privacy"
    login(team.participant)
    assert client.get(f"{base}/fi/edit").status_code == 403
    assert client.post(f"{base}/fi/edit", data={"body": "Hijacked"}).status_code == 403
    assert client.post(f"{base}/fi/reset").status_code == 403
    assert "Hijacked" not in text_of(client.get(base))


def test_a_guest_reads_the_notice_from_the_join_page_by_its_code(app, team, live):
    guest = app.test_client()
    join = guest.get(f"/j/{live.join_code}")
    link = page(join).find("a", string="Read the privacy notice")
    assert link["href"] == f"/j/{live.join_code}/privacy"
    notice = guest.get(link["href"])
    assert notice.status_code == 200
    assert "Test workspace" in text_of(notice)
    assert guest.get("/j/ZZZZZZ/privacy").status_code == 404
    assert guest.get(f"/w/{team.workspace.id}/privacy").status_code == 302  # not by id


def test_sparrers_and_follow_up_link_holders_read_it_from_their_pages(app, team):
    series = sparring.create_series(team.workspace, team.facilitator, "Sparraus", "Johto", "fi")
    sparrer = sparring.add_sparrer(series, "Eeva", "Kasvu Oy", SparrerRole.EMPLOYER)
    follow = followup.create_follow_up(
        team.workspace, team.facilitator, "Yksi numero", utcnow().date()
    )
    link = follow_links.create_link(follow, LinkRole.WITNESS, "Olli", user=team.facilitator)
    db.session.commit()
    token = follow_links.link_token(link)
    visitor = app.test_client()
    for own, notice in (
        (
            f"/sp/{sparring.sparrer_token(sparrer)}",
            f"/sp/{sparring.sparrer_token(sparrer)}/privacy",
        ),
        (f"/f/{token}", f"/f/{token}/privacy"),
    ):
        footer = page(visitor.get(own)).select_one("footer")
        assert footer.find("a", string="Privacy notice")["href"] == notice
        assert "Test workspace" in text_of(visitor.get(notice))
    assert visitor.get("/sp/not-a-token/privacy").status_code == 404
    assert visitor.get("/f/not-a-token/privacy").status_code == 404


def test_the_footer_of_the_workspace_pages_links_the_notice(client, login, team):
    login(team.participant)
    footer = page(client.get(f"/w/{team.workspace.id}/")).select_one("footer")
    assert footer.find("a", string="Privacy notice")["href"] == f"/w/{team.workspace.id}/privacy"
    assert page(client.get("/")).select_one("footer").find("a", string="Privacy notice") is None
