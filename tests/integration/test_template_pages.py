"""The journey template list and preview pages."""

import shutil
import tomllib
from pathlib import Path

import pytest

from tests.conftest import ROOT, page, text_of

JOURNEYS = ROOT / "journeys"


def title(name: str, lang: str) -> str:
    return tomllib.loads((JOURNEYS / name).read_text(encoding="utf-8"))["title"][lang]


def test_list_shows_both_templates_in_the_chosen_language(client, make_user, login):
    login(make_user())
    for lang in ("fi", "sv", "en"):
        response = client.get("/templates/", headers={"Accept-Language": lang})
        titles = [a.get_text(strip=True) for a in page(response).select(".card__title a")]
        assert titles == [
            title("apprenticeship.toml", lang),
            title("training_agreement.toml", lang),
        ]


def test_preview_is_a_table_of_stages_and_lanes(client, make_user, login):
    login(make_user())
    data = tomllib.loads((JOURNEYS / "training_agreement.toml").read_text(encoding="utf-8"))
    response = client.get("/templates/training_agreement", headers={"Accept-Language": "sv"})
    table = page(response).select_one("table.blueprint")
    stages = [th.get_text(" ", strip=True) for th in table.select("thead th[scope=col]")]
    assert [s.split(" ", 1)[1] for s in stages] == [s["title"]["sv"] for s in data["stages"]]
    lanes = [th.contents[0].strip() for th in table.select("tbody th[scope=row]")]
    assert lanes == [lane["title"]["sv"] for lane in data["lanes"]]
    step = data["steps"][0]
    assert step["title"]["sv"] in text_of(response)
    for point in step.get("critical_points", []):
        assert point["text"]["sv"] in text_of(response)


def test_unknown_template_is_404(client, make_user, login):
    login(make_user())
    assert client.get("/templates/no_such").status_code == 404


def test_broken_file_leaves_the_other_template_and_a_notice(tmp_path, make_app):
    folder = tmp_path / "journeys"
    folder.mkdir()
    shutil.copy(JOURNEYS / "training_agreement.toml", folder)
    broken = (JOURNEYS / "apprenticeship.toml").read_text(encoding="utf-8")
    Path(folder / "apprenticeship.toml").write_text(broken.replace("[[lanes]]", "[[lanez]]", 1))
    app = make_app(JOURNEYS_DIR=str(folder))
    with app.app_context():
        from workshop.accounts import services
        from workshop.extensions import db

        services.create_user("a@example.fi", "A", "correct horse battery")
        db.session.commit()
    client = app.test_client()
    client.post("/login", data={"email": "a@example.fi", "password": "correct horse battery"})
    response = client.get("/templates/")
    assert response.status_code == 200
    assert [a.get_text(strip=True) for a in page(response).select(".card__title a")] == [
        title("training_agreement.toml", "en")
    ]
    assert "1 template file could not be read" in text_of(response)
    assert client.get("/templates/apprenticeship").status_code == 404


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_sources_of_typical_points_are_named_in_the_pages_language(
    client, make_user, login, lang
):
    login(make_user())
    data = tomllib.loads((JOURNEYS / "apprenticeship.toml").read_text(encoding="utf-8"))
    response = client.get("/templates/apprenticeship", headers={"Accept-Language": lang})
    links = {a["href"]: a.get_text() for a in page(response).select(".critical-list a")}
    source = data["sources"]["KARVI_NEWS"]
    assert links[source["url"]] == source["title"][lang]
