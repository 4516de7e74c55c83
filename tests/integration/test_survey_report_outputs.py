"""Every output of a round's report, walked for a role with k−1 respondents: the page, the PDF,
CSV, JSON and the share link's page and PDF show none of its figures, and what the shown
figures give by subtraction is "Other", never the small role alone (issue 17, "Done when")."""

import csv
import io
import re
import subprocess
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from tests.survey_data import answered_round
from workshop.competence import report as reports
from workshop.competence import services
from workshop.competence.models import Answer, AnswerKind, Response, RoundItem, RoundShare
from workshop.extensions import db
from workshop.models_base import utcnow

SIZES = {"TCH": 7, "WBL": 6, "OFF": 4}  # OFF has k − 1 = 4 respondents
UNITS = {"TCH": {"Tekniikka": 4, "Palvelut": 3}, "WBL": {"Tekniikka": 6}, "OFF": {"Palvelut": 4}}
SMALL = "OFF"
SMALL_NAME = "Toimistohenkilöstö"  # its name in Finnish, the client's language


@pytest.fixture
def round_(team):
    made = answered_round(team, SIZES, units=UNITS, free_text=True)
    db.session.commit()
    return made


def base(team, round_) -> str:
    return f"/w/{team.workspace.id}/survey/rounds/{round_.id}/report"


def fi(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    return client


def small_role_truth(round_) -> dict[str, tuple]:
    """What the small role really answered, per item: counts 1–5 and the mean."""
    rows = db.session.execute(
        select(RoundItem.item_id, Answer.kind, Answer.value)
        .join(Answer.item)
        .join(Answer.response)
        .where(Response.round_id == round_.id, Response.role == SMALL)
    ).all()
    truth = {}
    for item in round_.items:
        values = Counter(v for i, k, v in rows if i == item.item_id and k == AnswerKind.SCALE)
        counts = tuple(values[v] for v in range(1, 6))
        answered = sum(counts)
        mean = sum(v * c for v, c in zip(range(1, 6), counts, strict=True)) / answered
        truth[item.item_id] = (counts, mean)
    return truth


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.decode()


def assert_rows_of_small_role_carry_no_figures(html: str):
    """Every table row naming the small role says only "in Other"."""
    soup = BeautifulSoup(html, "html.parser")
    rows = [th.parent for th in soup.select("th[scope=row]") if SMALL_NAME in th.get_text()]
    assert rows, "the small role is not in the tables at all"
    for row in rows:
        cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
        assert cells == ["Muut-ryhmässä"], cells
        assert not re.search(r"\d", row.get_text())


def assert_subtraction_gives_other(html: str):
    """In each table: everyone's n minus the shown roles' n is Other's, not the small role's."""
    soup = BeautifulSoup(html, "html.parser")
    tables = soup.select("table.survey-table")
    assert tables
    for table in tables:
        n = {}
        for th in table.select("th[scope=row]"):
            first = th.parent.find("td")
            if first is not None and first.get_text(strip=True).isdigit():
                n[th.find(string=True, recursive=False).strip()] = int(first.get_text())
        everyone = n.pop("Kaikki vastaajat")
        roles = {name: v for name, v in n.items() if name in ("Opettaja", "Muut")}
        assert everyone - roles["Opettaja"] == roles["Muut"] == 10 != SIZES[SMALL]


def test_every_output_hides_the_small_role_and_no_subtraction_finds_it(client, login, team, round_):
    login(team.facilitator)
    fi(client)
    url = base(team, round_)
    page = client.get(url)
    assert page.status_code == 200
    assert_rows_of_small_role_carry_no_figures(page.text)
    assert_subtraction_gives_other(page.text)
    # Free text on the page only, institution-wide.
    assert "Toive TCH 0" in page.text
    # Asked for by htmx (the report has no partial swap of its own, so the page comes whole)
    # it hides the same way.
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert_rows_of_small_role_carry_no_figures(fragment.text)
    assert_subtraction_gives_other(fragment.text)

    data = client.get(url + ".json").get_json()
    truth = small_role_truth(round_)
    for section in data["levels"] + data["items"]:
        hidden = section["by_role"][SMALL]
        assert hidden == {
            "name": SMALL_NAME,
            "shown": False,
            "hidden": "Muut-ryhmässä",
            "in_other": True,
        }
        shown = [c for c in section["by_role"].values() if c["shown"] and c is not None]
        other = section["by_role"]["other"]
        assert other["n"] == 10
        difference = [
            section["total"]["counts"][v] - sum(c["counts"][v] for c in shown if c is not other)
            for v in "12345"
        ]
        assert difference == [other["counts"][v] for v in "12345"]
        if section["id"] in truth:
            assert tuple(difference) != truth[section["id"]][0]
    assert "Toive" not in str(data)

    rows = list(csv.reader(io.StringIO(client.get(url + ".csv").text.lstrip("\ufeff"))))
    small = [row for row in rows if row[5] == SMALL_NAME]
    assert small and all(row[6] == "Muut-ryhmässä" and not any(row[7:]) for row in small)
    assert "Toive" not in str(rows)

    text = pdf_text(client.get(url + ".pdf").data)
    lines = [line for line in text.splitlines() if SMALL_NAME in line]
    assert lines and not any(re.search(r"\d", line) for line in lines)
    assert "Toive" not in text and "Opettaja" in text

    client.post(url + "/share", data={"label": "Johtoryhmä"})
    link = client.get(url).text
    token = re.search(r"/s/r/([A-Za-z0-9_-]+)", link).group(1)
    shared = client.get(f"/s/r/{token}")
    assert shared.status_code == 200
    assert_rows_of_small_role_carry_no_figures(shared.text)
    assert_subtraction_gives_other(shared.text)
    assert "Toive" not in shared.text
    shared_pdf = pdf_text(client.get(f"/s/r/{token}/report.pdf").data)
    assert "Toive" not in shared_pdf
    assert not any(re.search(r"\d", line) for line in shared_pdf.splitlines() if SMALL_NAME in line)
    # The small role's own means appear nowhere next to its name.
    for _counts, mean in truth.values():
        assert f"{SMALL_NAME} {mean:.1f}".replace(".", ",") not in text


def test_another_workspace_sees_nothing_of_the_round(client, login, team, round_, make_team):
    stranger = make_team(facilitator="Vieras", workspace="Toinen", participant=None, observer=None)
    login(stranger.facilitator)
    for suffix in ("", ".pdf", ".csv", ".json"):
        assert client.get(base(team, round_) + suffix).status_code == 404
    other_url = f"/w/{stranger.workspace.id}/survey/rounds/{round_.id}/report"
    assert client.get(other_url).status_code == 404
    assert client.post(other_url + "/share", data={"label": "x"}).status_code == 404


def test_observers_read_the_report_but_cannot_share_it(client, login, team, round_):
    login(team.observer)
    page = client.get(base(team, round_))
    assert page.status_code == 200 and "share-title" not in page.text
    assert client.get(base(team, round_) + ".json").status_code == 200
    assert client.post(base(team, round_) + "/share", data={"label": "x"}).status_code == 403
    assert db.session.scalar(select(func.count(RoundShare.id))) == 0


def test_a_withdrawn_share_link_answers_410(client, login, team, round_):
    login(team.facilitator)
    client.post(base(team, round_) + "/share", data={"label": "Kumppanit"})
    token = re.search(r"/s/r/([A-Za-z0-9_-]+)", client.get(base(team, round_)).text).group(1)
    share = db.session.scalar(select(RoundShare))
    asked = client.post(f"{base(team, round_)}/share/{share.id}/revoke")
    assert asked.status_code == 200 and share.revoked_at is None  # asked first, nothing done
    done = client.post(f"{base(team, round_)}/share/{share.id}/revoke", data={"confirmed": "yes"})
    assert done.status_code == 303
    assert client.get(f"/s/r/{token}").status_code == 410
    assert client.get(f"/s/r/{token}/report.pdf").status_code == 410
    assert client.get("/s/r/no-such-token").status_code == 404


def test_share_links_need_the_csrf_token(app, client, login, team, round_):
    login(team.facilitator)
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(base(team, round_) + "/share", data={"label": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count(RoundShare.id))) == 0


def test_a_round_under_k_says_so_instead_of_tables(client, login, team):
    round_ = answered_round(team, {"TCH": 3, "WBL": 1})
    db.session.commit()
    login(team.facilitator)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(base(team, round_))
    assert page.status_code == 200
    soup = BeautifulSoup(page.text, "html.parser")
    assert not soup.select("table.survey-table")
    assert "Fewer than 5 people have answered this round." in soup.get_text(" ")
    data = client.get(base(team, round_) + ".json").get_json()
    assert data["respondents"] == "< 5" and data["items"] == []


def test_rounds_compare_item_by_item_and_an_item_missing_says_not_asked(client, login, team):
    earlier = answered_round(team, {"TCH": 6})
    earlier.opens_on = earlier.opens_on.replace(year=earlier.opens_on.year - 1)
    earlier.closes_on = earlier.closes_on.replace(year=earlier.closes_on.year - 1)
    dropped = earlier.items[0]
    dropped.item_id = "Z99"  # asked only then
    db.session.flush()
    now = answered_round(team, {"TCH": 5})
    db.session.commit()
    login(team.facilitator)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    soup = BeautifulSoup(client.get(base(team, now)).text, "html.parser")
    table = soup.select_one("table.survey-compare")
    rows = {tr.th.get_text(" ", strip=True).split()[0]: tr for tr in table.tbody.find_all("tr")}
    first = now.items[0].item_id
    assert rows[first].find_all("td")[0].get_text(strip=True) != "not asked"
    assert rows[first].find_all("td")[-1].get_text(strip=True) == "not asked"
    assert rows["Z99"].find_all("td")[0].get_text(strip=True) == "not asked"
    assert [td.get_text(strip=True) for td in rows["A02"].find_all("td")][1::2] == ["5", "6"]


def test_the_page_follows_a_new_answer_and_new_thresholds_at_once(client, login, team):
    round_ = answered_round(
        team, {"TCH": 5}, answer=lambda role, item, rng: (AnswerKind.SCALE, 3, False)
    )
    db.session.commit()
    login(team.facilitator)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "5 people answered." in client.get(base(team, round_)).text
    late = Response(round_id=round_.id, device_hash="late", role="TCH", submitted_at=utcnow())
    late.answers = [
        Answer(round_item_id=item.id, kind=AnswerKind.SCALE, value=3) for item in round_.items
    ]
    db.session.add(late)
    db.session.commit()
    page = client.get(base(team, round_)).text
    assert "6 people answered." in page and "Coaching target for" not in page
    settings = services.settings_of(team.workspace)
    settings.median_max = 3
    db.session.add(settings)
    db.session.commit()
    assert "Coaching target for Everyone, Teacher" in client.get(base(team, round_)).text


def test_the_pdf_is_made_in_swedish_when_asked(client, login, team, round_):
    login(team.observer)
    response = client.get(base(team, round_) + ".pdf?lang=sv")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    text = " ".join(pdf_text(response.data).split())
    assert "Lärare" in text and "Övriga" in text and "KOMPETENSENKÄT" in text
    assert "Opettaja" not in text


def test_observers_cannot_withdraw_share_links(client, login, team, round_):
    share, _token = reports.create_share(round_, team.facilitator, "Johto")
    db.session.commit()
    login(team.observer)
    url = f"{base(team, round_)}/share/{share.id}/revoke"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"confirmed": "yes"}).status_code == 403
    assert share.revoked_at is None


def test_an_open_round_with_enough_answers_says_the_report_waits_for_the_close(client, login, team):
    """Seven have answered a round still open (its page counts them): the report does not claim
    fewer than five answered; it says the figures come once the round closes, and the JSON
    gives no count it cannot stand behind."""
    round_ = answered_round(team, {"TCH": 4, "WBL": 3})
    round_.closes_on = services.local_today()
    db.session.commit()
    login(team.facilitator)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    soup = BeautifulSoup(client.get(base(team, round_)).text, "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert not soup.select("table.survey-table")
    assert "Fewer than" not in text
    assert "This round is still open" in text
    data = client.get(base(team, round_) + ".json").get_json()
    assert data["respondents"] is None and data["round"]["closed"] is False
