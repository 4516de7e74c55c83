"""The staff side of the survey over HTTP: opening, editing, locking and closing rounds, their
answering links, own and retired items, coaching thresholds and the coaching plan, and what
must be refused."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, insert, select

from tests.conftest import page, text_of
from workshop.competence import coaching, rounds, services
from workshop.competence.models import (
    MAX_THEMES,
    CoachingTheme,
    OwnItem,
    Response,
    RetiredItem,
    Round,
    RoundLink,
    SurveySettings,
    ThemeStatus,
)
from workshop.extensions import db
from workshop.models_base import utcnow

EN = {"Accept-Language": "en"}
TODAY = date.today()


def base(team) -> str:
    return f"/w/{team.workspace.id}/survey"


def round_fields(**fields) -> dict:
    return {
        "name": "Kevät 2027",
        "opens_on": TODAY.isoformat(),
        "closes_on": (TODAY + timedelta(days=14)).isoformat(),
        "roles": ["TCH", "WBL", "SC"],
        "units": "Tekniikka\nPalvelut",
        "bank_version": services.latest_bank().version,
        "k": "5",
    } | fields


def open_round(client, team, **fields):
    return client.post(f"{base(team)}/rounds/new", data=round_fields(**fields))


def a_round(team, **changes) -> Round:
    data = rounds.RoundData(
        name="Syksy",
        opens_on=TODAY,
        closes_on=TODAY + timedelta(days=7),
        roles=["TCH", "WBL"],
        units=["Tekniikka"],
        k=5,
        free_text=False,
        bank_version=services.latest_bank().version,
    )
    fields = {name: changes.pop(name) for name in list(changes) if hasattr(data, name)}
    round_, _token = rounds.open_new_round(
        team.workspace, team.facilitator, data.__class__(**(data.__dict__ | fields))
    )
    for name, value in changes.items():
        setattr(round_, name, value)
    db.session.commit()
    return round_


def round_count() -> int:
    return db.session.scalar(select(func.count(Round.id)))


# --- opening, the list, editing -----------------------------------------------------------------


def test_facilitator_opens_a_round_and_finds_it_in_the_list(client, team, login):
    login(team.facilitator)
    nav = page(client.get(f"/w/{team.workspace.id}/journeys/", headers=EN))
    assert nav.find("a", string="Staff survey")["href"] == f"{base(team)}/"
    form = page(client.get(f"{base(team)}/rounds/new", headers=EN))
    assert form.find("input", attrs={"name": "k"})["value"] == "5"
    assert form.find("select", attrs={"name": "bank_version"}).find("option", selected=True)
    response = open_round(client, team)
    assert response.status_code == 303
    round_ = db.session.scalar(select(Round))
    assert round_.name == "Kevät 2027" and round_.k == 5 and round_.roles == ["SC", "TCH", "WBL"]
    assert [unit.name for unit in round_.units] == ["Tekniikka", "Palvelut"]
    assert len(round_.items) == 24
    listing = text_of(client.get(f"{base(team)}/", headers=EN))
    assert "Kevät 2027" in listing and "Open" in listing and "0 answers submitted" in listing


def test_rounds_are_listed_newest_first_with_status_and_count(client, team, login):
    old = a_round(
        team,
        name="Vanha",
        opens_on=TODAY - timedelta(days=60),
        closes_on=TODAY - timedelta(days=30),
    )
    a_round(
        team, name="Tuleva", opens_on=TODAY + timedelta(days=5), closes_on=TODAY + timedelta(days=9)
    )
    db.session.add(Response(round_id=old.id, device_hash="d" * 64, submitted_at=utcnow()))
    db.session.commit()
    login(team.observer)
    body = page(client.get(f"{base(team)}/", headers=EN))
    rows = [" ".join(row.get_text(" ").split()) for row in body.select("tbody tr")]
    assert rows[0].startswith("Tuleva") and "Upcoming" in rows[0]
    assert rows[1].startswith("Vanha") and "Closed" in rows[1] and "1 answer submitted" in rows[1]
    assert body.find("a", string="Open a round") is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"k": "2"}, "Between 3 and 50."),
        ({"k": "51"}, "Between 3 and 50."),
        ({"roles": []}, "Choose at least one role."),
        ({"roles": ["XYZ"]}, "Choose from the list."),
        ({"units": "Tekniikka\ntekniikka"}, "Each unit once, please."),
        ({"units": "\n".join(f"Yksikkö {n}" for n in range(31))}, "At most 30 units."),
        (
            {"closes_on": (TODAY - timedelta(days=1)).isoformat()},
            "The end cannot be before the start.",
        ),
        ({"bank_version": "1999-1"}, "Not a valid choice."),
        ({"name": "x" * 121}, "At most 120 characters."),
    ],
)
def test_a_wrong_round_is_refused_next_to_its_field(client, team, login, fields, message):
    login(team.facilitator)
    response = open_round(client, team, **fields)
    assert response.status_code == 422
    assert message in text_of(response)
    assert round_count() == 0


def test_edit_before_the_first_answer_changes_everything(client, team, login):
    round_ = a_round(team)
    services_retired = RetiredItem(workspace_id=team.workspace.id, item_id="A01")
    db.session.add(services_retired)
    db.session.commit()
    login(team.facilitator)
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/edit",
        data=round_fields(k="7", free_text="y", units="Palvelut", version=str(round_.version)),
    )
    assert response.status_code == 303
    db.session.refresh(round_)
    assert round_.k == 7 and round_.free_text and [u.name for u in round_.units] == ["Palvelut"]
    # The items are read again from the bank: the item retired since is no longer asked.
    assert "A01" not in {item.item_id for item in round_.items}


def test_the_edit_form_shows_the_rounds_units_one_per_line(client, team, login):
    round_ = a_round(team, units=["Tekniikka", "Palvelut"], k=7)
    login(team.facilitator)
    form = page(client.get(f"{base(team)}/rounds/{round_.id}/edit", headers=EN))
    assert (
        form.find("textarea", attrs={"name": "units"}).get_text().strip() == "Tekniikka\nPalvelut"
    )
    assert form.find("input", attrs={"name": "k"})["value"] == "7"


def test_a_locked_round_keeps_its_threshold_free_text_and_items(client, team, login):
    round_ = a_round(team, locked_at=utcnow())
    login(team.facilitator)
    edit = page(client.get(f"{base(team)}/rounds/{round_.id}/edit", headers=EN))
    assert "has answers, so its threshold" in edit.get_text()
    assert (
        edit.find("input", attrs={"name": "k", "type": "number"})
        .find_parent("fieldset")
        .has_attr("disabled")
    )
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/edit",
        data=round_fields(
            roles=["TCH", "WBL"], units="Tekniikka", k="3", version=str(round_.version)
        ),
        headers=EN,
    )
    assert response.status_code == 409
    assert "has answers, so its threshold" in text_of(response)
    db.session.refresh(round_)
    assert round_.k == 5 and round_.name == "Syksy"
    # Its name and dates still change, with the locked values sent as they are.
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/edit",
        data=round_fields(
            roles=["TCH", "WBL"], units="Tekniikka", name="Syksy 2026", version=str(round_.version)
        ),
    )
    assert response.status_code == 303
    db.session.refresh(round_)
    assert round_.name == "Syksy 2026"


def test_the_service_refuses_to_change_a_locked_round(app, team):
    round_ = a_round(team, locked_at=utcnow())
    items_before = [item.item_id for item in round_.items]
    for change in ({"k": 6}, {"free_text": True}, {"units": ["Muu"]}, {"roles": ["TCH"]}):
        data = rounds.RoundData(
            **(
                {
                    "name": round_.name,
                    "opens_on": round_.opens_on,
                    "closes_on": round_.closes_on,
                    "roles": list(round_.roles),
                    "units": [u.name for u in round_.units],
                    "k": round_.k,
                    "free_text": round_.free_text,
                    "bank_version": round_.bank_version,
                }
                | change
            )
        )
        with pytest.raises(rounds.Locked):
            rounds.update_round(round_, round_.version, data)
    db.session.rollback()
    assert [item.item_id for item in round_.items] == items_before and round_.k == 5


def test_a_stale_round_edit_is_refused_and_keeps_the_typed_text(client, team, login):
    round_ = a_round(team)
    stale = str(round_.version)
    login(team.facilitator)
    client.post(
        f"{base(team)}/rounds/{round_.id}/edit", data=round_fields(name="Ensin", version=stale)
    )
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/edit",
        data=round_fields(name="Minun nimeni", version=stale),
        headers=EN,
    )
    assert response.status_code == 409
    assert page(response).find("input", attrs={"name": "name"})["value"] == "Minun nimeni"
    db.session.refresh(round_)
    assert round_.name == "Ensin"


def test_closing_early_asks_first_then_stops_the_round(client, team, login):
    round_ = a_round(team)
    login(team.facilitator)
    asked = client.post(f"{base(team)}/rounds/{round_.id}/close", headers=EN)
    assert asked.status_code == 200 and "Close the round" in text_of(asked)
    db.session.refresh(round_)
    assert round_.closed_at is None
    done = client.post(f"{base(team)}/rounds/{round_.id}/close", data={"confirmed": "yes"})
    assert done.status_code == 303
    db.session.refresh(round_)
    assert round_.closed_at is not None
    assert rounds.status_of(round_, TODAY) == "closed"
    # A closed round takes no new links nor edits.
    assert (
        client.post(f"{base(team)}/rounds/{round_.id}/links", data={"count": "3"}).status_code
        == 409
    )
    assert not round_.links


# --- links -------------------------------------------------------------------------------------


def test_the_shared_link_is_shown_again_and_can_be_replaced(client, team, login):
    login(team.facilitator)
    open_round(client, team)
    round_ = db.session.scalar(select(Round))
    first = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN)).find(id="shared-link")[
        "value"
    ]
    token = first.rsplit("/", 1)[1]
    assert first.endswith(f"/s/{token}") and services.hash_token(token) == round_.token_hash
    again = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN)).find(id="shared-link")[
        "value"
    ]
    assert again == first
    client.post(f"{base(team)}/rounds/{round_.id}/shared-link", data={"confirmed": "yes"})
    db.session.refresh(round_)
    new = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN)).find(id="shared-link")[
        "value"
    ]
    assert new != first and services.hash_token(new.rsplit("/", 1)[1]) == round_.token_hash


def test_observers_never_see_the_links(client, team, login):
    round_ = a_round(team)
    rounds.add_links(round_, 2)
    db.session.commit()
    login(team.observer)
    body = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN))
    assert body.find(id="shared-link") is None and "/s/" not in body.get_text()
    assert client.get(f"{base(team)}/rounds/{round_.id}/links/print").status_code == 403


def test_personal_links_are_made_listed_printed_and_revoked(client, team, login):
    round_ = a_round(team)
    login(team.facilitator)
    assert (
        client.post(f"{base(team)}/rounds/{round_.id}/links", data={"count": "3"}).status_code
        == 303
    )
    links = db.session.scalars(select(RoundLink).where(RoundLink.round_id == round_.id)).all()
    assert [link.number for link in links] == [1, 2, 3]
    body = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN))
    shown = [field["value"] for field in body.select(".survey-links input.copy-field")]
    assert len(shown) == 3
    assert {services.hash_token(url.rsplit("/", 1)[1]) for url in shown} == {
        link.token_hash for link in links
    }
    printed = page(client.get(f"{base(team)}/rounds/{round_.id}/links/print", headers=EN))
    assert len(printed.select(".link-card svg")) == 3
    revoke = f"{base(team)}/rounds/{round_.id}/links/{links[1].id}/revoke"
    # Someone may hold the link on a printed card: the first press only asks.
    asked = client.post(revoke, headers=EN)
    assert asked.status_code == 200 and "Revoke personal link 2?" in text_of(asked)
    db.session.refresh(links[1])
    assert links[1].revoked_at is None
    response = client.post(revoke, data={"confirmed": "yes"})
    assert response.status_code == 303
    db.session.refresh(links[1])
    assert links[1].revoked_at is not None
    body = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN))
    assert "revoked" in body.select(".survey-links tbody tr")[1].get_text()
    assert (
        len(page(client.get(f"{base(team)}/rounds/{round_.id}/links/print")).select(".link-card"))
        == 2
    )


def test_the_round_page_never_shows_which_personal_link_was_used(client, team, login):
    """Whoever handed out the numbered cards would learn from it who answered."""
    round_ = a_round(team)
    login(team.facilitator)
    client.post(f"{base(team)}/rounds/{round_.id}/links", data={"count": "3"})
    links = db.session.scalars(select(RoundLink).where(RoundLink.round_id == round_.id)).all()
    links[1].used_at = utcnow()
    db.session.commit()
    body = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN))
    rows = [row.get_text(" ", strip=True) for row in body.select(".survey-links tbody tr")]
    # The rows differ only in their numbers: none says "used".
    assert len({re.sub(rf"\b{n}\b", "#", row) for n, row in enumerate(rows, 1)}) == 1, rows
    assert "1 of these links has been used." in body.get_text(" ", strip=True)
    printed = page(client.get(f"{base(team)}/rounds/{round_.id}/links/print"))
    assert len(printed.select(".link-card")) == 3


def test_links_made_by_two_people_at_once_are_refused_not_a_server_error(
    client, team, login, monkeypatch
):
    round_ = a_round(team)
    made = rounds.add_links

    def someone_else_first(round_, count):
        # The other request commits its link 1 after this one read the round's links.
        list(round_.links)
        db.session.execute(
            insert(RoundLink).values(round_id=round_.id, number=1, token_hash="x" * 64)
        )
        return made(round_, count)

    monkeypatch.setattr(rounds, "add_links", someone_else_first)
    login(team.facilitator)
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/links", data={"count": "2"}, headers=EN
    )
    assert response.status_code == 409
    assert "at the same moment" in text_of(response)
    assert db.session.scalar(select(func.count(RoundLink.id))) == 0


def test_links_stop_at_the_limit(client, team, login):
    round_ = a_round(team)
    login(team.facilitator)
    assert (
        client.post(f"{base(team)}/rounds/{round_.id}/links", data={"count": "500"}).status_code
        == 303
    )
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/links", data={"count": "1"}, headers=EN
    )
    assert response.status_code == 422 and "at most 500 personal links" in text_of(response)
    assert (
        client.post(f"{base(team)}/rounds/{round_.id}/links", data={"count": "0"}).status_code
        == 422
    )
    assert db.session.scalar(select(func.count(RoundLink.id))) == 500


# --- own items, retiring, thresholds ------------------------------------------------------------


def item_fields(**fields) -> dict:
    return {
        "item_id": "W01",
        "level": "B",
        "roles": ["TCH"],
        "text_fi": "Sovin työpaikan kanssa palautteen aikataulusta.",
        "text_sv": "Jag kommer överens med arbetsplatsen om tidtabellen för responsen.",
        "text_en": "I agree the feedback schedule with the workplace.",
        "steps": ["apprenticeship.contact_provider"],
        "categories": ["timing"],
    } | fields


def test_facilitator_adds_an_own_item_that_new_rounds_ask(client, team, login):
    login(team.facilitator)
    form = page(client.get(f"{base(team)}/items/new", headers=EN))
    assert form.find("input", attrs={"name": "item_id"})["value"] == "W01"
    assert client.post(f"{base(team)}/items/new", data=item_fields()).status_code == 303
    own = db.session.scalar(select(OwnItem))
    assert own.steps == ["apprenticeship.contact_provider"] and own.categories == ["timing"]
    assert "W01" in text_of(client.get(f"{base(team)}/items", headers=EN))
    round_ = a_round(team)
    assert "W01" in {item.item_id for item in round_.items}


@pytest.mark.parametrize("item_id", ["A01", "C08", "w01 "])
def test_an_own_item_may_not_take_a_bank_id_or_one_taken(client, team, login, item_id):
    login(team.facilitator)
    client.post(f"{base(team)}/items/new", data=item_fields())
    response = client.post(f"{base(team)}/items/new", data=item_fields(item_id=item_id), headers=EN)
    assert response.status_code == 422
    assert "is taken" in text_of(response) and "W02" in text_of(response)
    assert db.session.scalar(select(func.count(OwnItem.id))) == 1


def test_an_own_items_wording_stays_once_a_round_asked_it(client, team, login):
    login(team.facilitator)
    client.post(f"{base(team)}/items/new", data=item_fields())
    own = db.session.scalar(select(OwnItem))
    # Before any round, the wording may change.
    assert (
        client.post(
            f"{base(team)}/items/own/{own.id}", data=item_fields(text_en="Better.")
        ).status_code
        == 303
    )
    a_round(team)
    edit = text_of(client.get(f"{base(team)}/items/own/{own.id}", headers=EN))
    assert "new wording needs a new item" in edit
    response = client.post(
        f"{base(team)}/items/own/{own.id}", data=item_fields(text_en="Changed again."), headers=EN
    )
    assert response.status_code == 409
    db.session.refresh(own)
    assert own.text_en == "Better."
    # What it is about on the journeys may still change.
    response = client.post(
        f"{base(team)}/items/own/{own.id}",
        data=item_fields(text_en="Better.", categories=["communication"]),
    )
    assert response.status_code == 303


def test_two_people_adding_or_retiring_the_same_item_at_once_get_no_server_error(
    client, team, login, monkeypatch
):
    add, retire = rounds.add_own_item, rounds.retire

    def someone_else_added_first(workspace, data):
        rounds.own_items(workspace)
        db.session.execute(
            insert(OwnItem).values(
                workspace_id=workspace.id,
                item_id="W01",
                level="A",
                text_fi="x",
                text_sv="x",
                text_en="x",
                roles=["TCH"],
                steps=[],
                categories=[],
            )
        )
        return add(workspace, data)

    def someone_else_retired_first(workspace, item_id):
        rounds.retired_ids(workspace)
        db.session.execute(insert(RetiredItem).values(workspace_id=workspace.id, item_id=item_id))
        return retire(workspace, item_id)

    monkeypatch.setattr(rounds, "own_items", lambda workspace: [])
    monkeypatch.setattr(rounds, "add_own_item", someone_else_added_first)
    monkeypatch.setattr(rounds, "retired_ids", lambda workspace: set())
    monkeypatch.setattr(rounds, "retire", someone_else_retired_first)
    login(team.facilitator)
    response = client.post(f"{base(team)}/items/new", data=item_fields(), headers=EN)
    assert response.status_code == 422 and "is taken" in text_of(response)
    response = client.post(f"{base(team)}/items/A03/retire", headers=EN)
    assert response.status_code == 303


def test_retiring_and_restoring_items(client, team, login):
    login(team.facilitator)
    client.post(f"{base(team)}/items/new", data=item_fields())
    assert client.post(f"{base(team)}/items/A03/retire").status_code == 303
    assert client.post(f"{base(team)}/items/W01/retire").status_code == 303
    asked = {item.item_id for item in a_round(team).items}
    assert "A03" not in asked and "W01" not in asked
    assert client.post(f"{base(team)}/items/A03/restore").status_code == 303
    assert client.post(f"{base(team)}/items/W01/restore").status_code == 303
    asked = {item.item_id for item in a_round(team).items}
    assert {"A03", "W01"} <= asked
    assert client.post(f"{base(team)}/items/ZZZ/retire").status_code == 404


def test_first_thresholds_saved_by_two_people_at_once_keep_the_later(
    client, team, login, monkeypatch
):
    settings_of = services.settings_of
    calls = []

    def read_before_someone_else_saved(workspace):
        calls.append(workspace.id)
        # The first read shows the form's values; the second is the save's own.
        if len(calls) != 2:
            return settings_of(workspace)
        # This request found no thresholds yet; another one saves the first just after.
        unsaved = settings_of(workspace)
        db.session.execute(
            insert(SurveySettings).values(
                workspace_id=workspace.id, median_max=1, coaching_percent=50
            )
        )
        return unsaved

    monkeypatch.setattr(services, "settings_of", read_before_someone_else_saved)
    login(team.facilitator)
    data = {"median_max": "3", "coaching_percent": "25"}
    assert client.post(f"{base(team)}/settings", data=data).status_code == 303
    settings = db.session.get(SurveySettings, team.workspace.id)
    db.session.refresh(settings)
    assert (settings.median_max, settings.coaching_percent) == (3, 25)


def test_coaching_thresholds_are_saved_per_workspace(client, team, login):
    login(team.facilitator)
    form = page(client.get(f"{base(team)}/settings", headers=EN))
    assert form.find("input", attrs={"name": "coaching_percent"})["value"] == "30"
    assert (
        client.post(
            f"{base(team)}/settings", data={"median_max": "3", "coaching_percent": "25"}
        ).status_code
        == 303
    )
    settings = db.session.get(SurveySettings, team.workspace.id)
    assert (settings.median_max, settings.coaching_percent) == (3, 25)
    for bad in (
        {"median_max": "9", "coaching_percent": "25"},
        {"median_max": "2", "coaching_percent": "101"},
    ):
        assert client.post(f"{base(team)}/settings", data=bad).status_code == 422
    db.session.refresh(settings)
    assert (settings.median_max, settings.coaching_percent) == (3, 25)


# --- coaching plan ------------------------------------------------------------------------------


def theme_fields(**fields) -> dict:
    return {
        "title": "Yhteyshenkilö ja vastausaika",
        "role": "TCH",
        "items": ["A02", "A03"],
        "owner": "Riitta Rehtori",
        "due_on": (TODAY + timedelta(days=60)).isoformat(),
        "status": "planned",
        "follow_up": "",
    } | fields


def test_the_plan_holds_at_most_three_themes(client, team, login):
    round_ = a_round(team)
    login(team.facilitator)
    for n in range(MAX_THEMES):
        response = client.post(
            f"{base(team)}/rounds/{round_.id}/themes/new", data=theme_fields(title=f"Teema {n}")
        )
        assert response.status_code == 303
    assert [t.items for t in coaching.coaching_plan(round_)] == [["A02", "A03"]] * 3
    body = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN))
    assert body.find("a", string="Add a theme") is None
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/themes/new", data=theme_fields(title="Neljäs"), headers=EN
    )
    assert response.status_code == 409
    assert "at most 3 themes" in text_of(response)
    assert page(response).find("input", attrs={"name": "title"})["value"] == "Neljäs"
    assert db.session.scalar(select(func.count(CoachingTheme.id))) == 3


def test_a_theme_on_items_the_round_did_not_ask_is_refused(client, team, login):
    round_ = a_round(team)
    login(team.facilitator)
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/themes/new", data=theme_fields(items=["Q99"])
    )
    assert response.status_code == 422
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/themes/new", data=theme_fields(role="BOSS")
    )
    assert response.status_code == 422
    assert not coaching.coaching_plan(round_)


def test_a_stale_theme_edit_is_refused_and_keeps_the_typed_text(client, team, login):
    round_ = a_round(team)
    theme = coaching.add_theme(
        round_, coaching.ThemeData("Teema", "ALL", ["A01"], "", None, ThemeStatus.PLANNED, "")
    )
    db.session.commit()
    stale = str(theme.version)
    login(team.facilitator)
    url = f"{base(team)}/rounds/{round_.id}/themes/{theme.id}"
    assert (
        client.post(url, data=theme_fields(status="in_progress", version=stale)).status_code == 303
    )
    response = client.post(
        url, data=theme_fields(follow_up="Minun muistiinpanoni", version=stale), headers=EN
    )
    assert response.status_code == 409
    assert "Someone saved this while you were editing" in text_of(response)
    assert (
        page(response).find("textarea", attrs={"name": "follow_up"}).get_text().strip()
        == "Minun muistiinpanoni"
    )
    db.session.refresh(theme)
    assert theme.status == ThemeStatus.IN_PROGRESS and theme.follow_up == ""


def test_the_next_round_follows_up_the_previous_plan(client, team, login):
    first = a_round(
        team,
        name="Kevät",
        opens_on=TODAY - timedelta(days=200),
        closes_on=TODAY - timedelta(days=180),
    )
    coaching.add_theme(
        first,
        coaching.ThemeData(
            "Näyttöjen arviointi",
            "TCH",
            ["B06"],
            "Olli",
            None,
            ThemeStatus.DONE,
            "Koulutus pidetty.",
        ),
    )
    second = a_round(team, name="Syksy")
    login(team.observer)
    body = text_of(client.get(f"{base(team)}/rounds/{second.id}", headers=EN))
    assert "Followed up from “Kevät”" in body
    assert "Näyttöjen arviointi" in body and "Done" in body and "Koulutus pidetty." in body


# --- what must be refused -----------------------------------------------------------------------


def test_another_workspaces_round_is_missing(client, team, make_team, login):
    other = make_team("Ulla", "Toinen opisto", None, None)
    theirs = a_round(other)
    theme = coaching.add_theme(
        theirs, coaching.ThemeData("T", "ALL", [], "", None, ThemeStatus.PLANNED, "")
    )
    rounds.add_links(theirs, 1)
    db.session.commit()
    login(team.facilitator)
    ours = f"{base(team)}/rounds/{theirs.id}"
    for url in (
        ours,
        f"{ours}/edit",
        f"{ours}/links/print",
        f"{ours}/themes/new",
        f"{ours}/themes/{theme.id}",
    ):
        assert client.get(url).status_code == 404, url
    for url in (
        f"{ours}/close",
        f"{ours}/links",
        f"{ours}/links/{theirs.links[0].id}/revoke",
        f"{ours}/shared-link",
    ):
        assert client.post(url, data={"confirmed": "yes", "count": "1"}).status_code == 404, url
    db.session.refresh(theirs)
    assert (
        theirs.closed_at is None and len(theirs.links) == 1 and theirs.links[0].revoked_at is None
    )


@pytest.mark.parametrize("who", ["observer", "participant"])
def test_observers_and_participants_may_read_but_not_change(client, team, login, who):
    round_ = a_round(team)
    theme = coaching.add_theme(
        round_, coaching.ThemeData("T", "ALL", [], "", None, ThemeStatus.PLANNED, "")
    )
    rounds.add_links(round_, 1)
    db.session.commit()
    login(team[who])
    assert client.get(f"{base(team)}/").status_code == 200
    assert client.get(f"{base(team)}/rounds/{round_.id}").status_code == 200
    assert client.get(f"{base(team)}/items").status_code == 200
    url = f"{base(team)}/rounds/{round_.id}"
    posts = {
        f"{base(team)}/rounds/new": round_fields(),
        f"{url}/edit": round_fields(version=str(round_.version)),
        f"{url}/close": {"confirmed": "yes"},
        f"{url}/shared-link": {"confirmed": "yes"},
        f"{url}/links": {"count": "2"},
        f"{url}/links/{round_.links[0].id}/revoke": {"confirmed": "yes"},
        f"{url}/themes/new": theme_fields(),
        f"{url}/themes/{theme.id}": theme_fields(version="1"),
        f"{url}/themes/{theme.id}/delete": {},
        f"{base(team)}/items/new": item_fields(),
        f"{base(team)}/items/A01/retire": {},
        f"{base(team)}/settings": {"median_max": "3", "coaching_percent": "10"},
    }
    for post_url, data in posts.items():
        assert client.post(post_url, data=data).status_code == 403, post_url
    db.session.refresh(round_)
    assert round_count() == 1 and round_.closed_at is None and len(round_.links) == 1
    assert not db.session.scalar(select(func.count(RetiredItem.id)))


def test_posts_without_the_csrf_token_change_nothing(app, client, team, login):
    round_ = a_round(team)
    login(team.facilitator)
    app.config["WTF_CSRF_ENABLED"] = True
    url = f"{base(team)}/rounds/{round_.id}"
    assert client.post(f"{base(team)}/rounds/new", data=round_fields()).status_code in (400, 422)
    assert client.post(f"{url}/links", data={"count": "2"}).status_code in (400, 422)
    assert client.post(f"{url}/close", data={"confirmed": "yes"}).status_code in (200, 400, 422)
    assert client.post(f"{base(team)}/items/A01/retire").status_code == 400
    db.session.refresh(round_)
    assert round_count() == 1 and round_.closed_at is None and not round_.links
    assert not db.session.scalar(select(func.count(RetiredItem.id)))


def test_nul_bytes_and_oversized_text_change_nothing(client, team, login):
    round_ = a_round(team)
    login(team.facilitator)
    assert open_round(client, team, name="Kevät\x00").status_code in (400, 422)
    assert open_round(client, team, units="x" * 100_000).status_code == 422
    assert open_round(client, team, name="x" * 100_000).status_code == 422
    url = f"{base(team)}/rounds/{round_.id}"
    assert (
        client.post(f"{url}/themes/new", data=theme_fields(follow_up="x" * 100_000)).status_code
        == 422
    )
    assert client.post(f"{url}/themes/new", data=theme_fields(title="a\x00b")).status_code in (
        400,
        422,
    )
    assert (
        client.post(f"{base(team)}/items/new", data=item_fields(text_fi="x" * 100_000)).status_code
        == 422
    )
    assert client.post(f"{url}/links", data={"count": "9" * 400}).status_code == 422
    assert round_count() == 1 and not coaching.coaching_plan(round_) and not round_.links
    assert not db.session.scalar(select(func.count(OwnItem.id)))


# --- demo ---------------------------------------------------------------------------------------


def test_the_demo_has_a_closed_round_with_answers_a_plan_and_the_next_round_open(
    app, client, tmp_path
):
    from workshop import demo
    from workshop.accounts.models import Workspace
    from workshop.competence.demo import CLOSED_ROUND, OPEN_ROUND, RESPONDENTS

    email, password = demo.load_demo(tmp_path / "instance")
    demo.load_demo(tmp_path / "instance")
    db.session.commit()
    workspace = db.session.scalar(select(Workspace))
    by_name = {r.name: r for r in services.rounds_of(workspace)}
    assert set(by_name) == {CLOSED_ROUND, OPEN_ROUND}
    closed, running = by_name[CLOSED_ROUND], by_name[OPEN_ROUND]
    roles = dict(
        db.session.execute(
            select(Response.role, func.count())
            .where(Response.round_id == closed.id, Response.submitted_at.is_not(None))
            .group_by(Response.role)
        ).all()
    )
    assert roles == RESPONDENTS and roles["OFF"] < closed.k
    assert closed.locked and rounds.status_of(closed, TODAY) == "closed"
    assert len(coaching.coaching_plan(closed)) == 2
    assert rounds.status_of(running, TODAY) == "open" and len(rounds.active_links(running)) == 12
    client.post("/login", data={"email": email, "password": password})
    body = text_of(client.get(f"/w/{workspace.id}/survey/rounds/{running.id}", headers=EN))
    # The demo facilitator reads Finnish.
    assert f"Seuranta kierrokselta ”{CLOSED_ROUND}”" in body
    assert (
        "/s/"
        in page(client.get(f"/w/{workspace.id}/survey/rounds/{running.id}")).find(id="shared-link")[
            "value"
        ]
    )


def test_a_zero_or_huge_number_is_told_its_range_not_that_it_is_missing(client, team, login):
    """0 links, 0 % or a number too big to read are answered with the field's range: "This
    field is required" under a field that holds a value would leave the facilitator guessing."""
    round_ = a_round(team)
    db.session.commit()
    login(team.facilitator)
    for count in ("0", "99999999999999999999"):
        refused = client.post(
            f"{base(team)}/rounds/{round_.id}/links", data={"count": count}, headers=EN
        )
        assert refused.status_code == 422
        assert "Between 1 and" in text_of(refused) and "required" not in text_of(refused)
    for percent in ("0", "99999999999999999999"):
        refused = client.post(
            f"{base(team)}/settings",
            data={"median_max": "2", "coaching_percent": percent},
            headers=EN,
        )
        assert refused.status_code == 422
        assert "Between 1 and 100." in text_of(refused) and "required" not in text_of(refused)
    assert not round_.links


def test_a_round_past_its_last_day_cannot_be_reopened_by_moving_its_dates(client, team, login):
    """Its report is out once the last day has passed: opened again, one more answer would
    change the shown figures by exactly that person's answers."""
    round_ = a_round(team, opens_on=TODAY - timedelta(days=14), locked_at=utcnow())
    round_.closes_on = TODAY - timedelta(days=1)
    db.session.commit()
    login(team.facilitator)
    response = client.post(
        f"{base(team)}/rounds/{round_.id}/edit",
        data=round_fields(
            roles=["TCH", "WBL"],
            units="Tekniikka",
            name="Syksy",
            opens_on=(TODAY - timedelta(days=14)).isoformat(),
            closes_on=(TODAY + timedelta(days=7)).isoformat(),
            version=str(round_.version),
        ),
        headers=EN,
    )
    assert response.status_code == 409
    assert "This round is closed" in text_of(response)
    db.session.refresh(round_)
    assert round_.closes_on == TODAY - timedelta(days=1)
    page_ = page(client.get(f"{base(team)}/rounds/{round_.id}", headers=EN))
    assert not page_.find("a", href=f"{base(team)}/rounds/{round_.id}/edit")
    assert "This round is closed: nobody can answer it any more." in page_.get_text()
    # Its edit page, opened by its address, says so before anything is typed.
    edit = page(client.get(f"{base(team)}/rounds/{round_.id}/edit", headers=EN))
    assert "This round is closed" in edit.get_text()
