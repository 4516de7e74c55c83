"""Answering the competence survey without an account: the round's link and personal one-time
links, resuming on the same device, locking the round, every refusal changing nothing, and the
respondent's own report (page, PDF, share links) shown to nobody else."""

import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import page, text_of
from workshop.competence import services as survey
from workshop.competence.models import (
    FREE_TEXT_MAX,
    Answer,
    ReportShare,
    Response,
    Round,
    RoundLink,
)
from workshop.extensions import db
from workshop.models_base import utcnow

HX = {"HX-Request": "true"}


@pytest.fixture
def opened(app, team):
    """An open round (teachers, office staff, coordinators; two units; free text) and its
    shared link's token."""
    today = survey.local_today()
    round_, token = survey.open_round(
        team.workspace,
        team.facilitator,
        name="Syksy 2026",
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30),
        roles=["TCH", "OFF", "WBL"],
        units=["Tekniikka", "Palvelut"],
        free_text=True,
    )
    db.session.commit()
    return round_, token


def device(app, address="192.0.2.10"):
    """A browser of its own (its own cookies), on an address of its own."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def personal_link(round_, number=1):
    token, token_hash = survey.new_token()
    link = RoundLink(round_id=round_.id, number=number, token_hash=token_hash)
    db.session.add(link)
    db.session.commit()
    return link, token


def begin(client, path, role="TCH", unit=None):
    """Start answering through a link; returns the page it sends the respondent to."""
    round_ = db.session.scalars(select(Round)).first() if unit is None else None
    unit = unit if unit is not None else round_.units[0].id
    started = client.post(path, data={"role": role, "unit": unit})
    assert started.status_code == 303, text_of(started)
    return started.headers["Location"]


def items_of(round_, level=None):
    return [item for item in round_.items if level is None or item.level == level]


def answer_level(client, round_, level, value="3", **extra):
    data = {f"a{item.id}": value for item in items_of(round_, level)} | extra
    return client.post(f"/s/r/{round_.id}/level/{level}", data=data)


def answer_all(client, round_, value="3"):
    for level in ("A", "B", "C"):
        assert answer_level(client, round_, level, value).status_code == 303


def snapshot():
    """Everything answering can change, to check that a refusal changed nothing."""
    responses = db.session.execute(
        select(
            Response.id,
            Response.role,
            Response.unit_id,
            Response.free_text,
            Response.submitted_at,
            Response.device_hash,
        ).order_by(Response.id)
    ).all()
    answers = db.session.execute(
        select(Answer.round_item_id, Answer.kind, Answer.value, Answer.coaching).order_by(Answer.id)
    ).all()
    rounds = db.session.execute(select(Round.id, Round.locked_at).order_by(Round.id)).all()
    links = db.session.execute(select(RoundLink.id, RoundLink.used_at)).all()
    db.session.expire_all()
    return responses, answers, rounds, links


def response_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


# --- opening a link ---------------------------------------------------------------------------


def test_the_shared_link_shows_roles_and_units_and_starts_on_this_device_only(app, opened):
    round_, token = opened
    phone = device(app)
    shown = phone.get(f"/s/{token}")
    assert shown.status_code == 200
    html = page(shown)
    roles = [label.get_text(" ", strip=True) for label in html.select("input[name=role]")]
    assert len(roles) == 3
    assert "Teacher" in text_of(shown) and "Office staff" in text_of(shown)
    assert "Tekniikka" in text_of(shown)
    # Opening the link makes nothing: a link preview or a crawler leaves no response behind.
    assert response_count() == 0
    first = begin(phone, f"/s/{token}")
    assert first == f"/s/r/{round_.id}/level/A"
    assert response_count() == 1
    cookie = phone.get_cookie(f"polku_survey_{round_.id}", domain="polku.test", path="/s/")
    assert cookie is not None and cookie.http_only
    # Only the hash is stored.
    stored = db.session.scalar(select(Response))
    assert stored.device_hash == survey.hash_token(cookie.value) != cookie.value
    # Someone else opening the same link gets a response of their own.
    other = device(app, "192.0.2.11")
    assert other.get(first).status_code == 404
    begin(other, f"/s/{token}", role="OFF")
    assert response_count() == 2


def test_a_round_without_units_does_not_ask_for_one(app, team):
    today = survey.local_today()
    round_, token = survey.open_round(
        team.workspace,
        team.facilitator,
        name="Ilman yksiköitä",
        opens_on=today,
        closes_on=today,
        roles=["TCH"],
        units=[],
    )
    db.session.commit()
    phone = device(app)
    assert not page(phone.get(f"/s/{token}")).select("input[name=unit]")
    started = phone.post(f"/s/{token}", data={"role": "TCH"})
    assert started.status_code == 303
    assert db.session.scalar(select(Response)).unit_id is None


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/s/forged-token-that-is-long-enough", 404, "This survey link is not valid"),
        ("/s/x", 404, "This survey link is not valid"),
        ("/s/" + "a" * 5000, 404, "This survey link is not valid"),
        ("/s/p/forged-token-that-is-long-enough", 404, "This survey link is not valid"),
        ("/s/shared/forged-token-that-is-long-enough", 404, "Not found"),
        ("/s/r/999999/level/A", 404, "No answers to this survey were started on this device"),
        ("/s/r/99999999999999999999999/report", 404, "Not found"),
    ],
)
def test_forged_links_get_a_clear_page(app, opened, path, status, words):
    for method in ("get", "post"):
        answer = getattr(device(app), method)(path, data={"role": "TCH"})
        if method == "post" and path.startswith(("/s/r/", "/s/shared/")):
            continue
        assert answer.status_code == status, (method, path)
        assert words in text_of(answer)
    assert response_count() == 0


def test_a_closed_or_not_yet_open_round_gets_a_clear_page_and_starts_nothing(app, opened):
    round_, token = opened
    round_.opens_on = survey.local_today() + timedelta(days=2)
    round_.closes_on = survey.local_today() + timedelta(days=9)
    db.session.commit()
    early = device(app).get(f"/s/{token}")
    assert early.status_code == 404
    assert "This survey opens on" in text_of(early)
    finnish = device(app).get(f"/s/{token}", headers={"Accept-Language": "fi"})
    assert "Tämä kysely avautuu" in text_of(finnish)
    assert device(app).post(f"/s/{token}", data={"role": "TCH"}).status_code == 404
    round_.opens_on = survey.local_today() - timedelta(days=9)
    round_.closes_on = survey.local_today() - timedelta(days=1)
    db.session.commit()
    late = device(app).get(f"/s/{token}")
    assert late.status_code == 410
    assert "This survey has closed" in text_of(late)
    assert device(app).post(f"/s/{token}", data={"role": "TCH"}).status_code == 410
    assert response_count() == 0


def test_a_role_or_unit_outside_the_round_is_refused_next_to_the_field(app, opened):
    round_, token = opened
    phone = device(app)
    for data in (
        {"role": "MGT", "unit": round_.units[0].id},
        {"role": "ROOT", "unit": round_.units[0].id},
        {"role": "TCH", "unit": 999999},
        {"role": "TCH"},
        {"role": "TCH", "unit": "x"},
    ):
        refused = phone.post(f"/s/{token}", data=data)
        assert refused.status_code == 422, data
        assert page(refused).select(".field__errors"), data
    assert response_count() == 0


# --- resuming ---------------------------------------------------------------------------------


def test_reopening_the_link_on_the_same_device_brings_back_answers_and_the_page(app, opened):
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    assert answer_level(phone, round_, "A", "4", go="next").headers["Location"].endswith("/level/B")
    first_b = items_of(round_, "B")[0]
    phone.post(f"/s/r/{round_.id}/level/B", data={f"a{first_b.id}": "na", f"c{first_b.id}": "1"})
    # Later, the same device opens the link again: where it left off (B), answers checked.
    again = phone.get(f"/s/{token}")
    assert again.status_code == 303
    assert again.headers["Location"] == f"/s/r/{round_.id}/level/B"
    b_page = page(phone.get(again.headers["Location"]))
    assert b_page.select_one(f"input[name=a{first_b.id}][value=na]").has_attr("checked")
    assert b_page.select_one(f"input[name=c{first_b.id}]").has_attr("checked")
    a_page = page(phone.get(f"/s/r/{round_.id}/level/A"))
    checked = a_page.select("input[type=radio][checked]")
    assert len(checked) == len(items_of(round_, "A"))
    assert {box["value"] for box in checked} == {"4"}
    # Each value's meaning is its radio button's label.
    label = a_page.select_one("input[type=radio][value='5']").find_parent("label")
    assert "I guide others and improve the practice" in label.get_text(" ")


def test_items_of_other_roles_are_shown_and_marked_optional(app, opened):
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}", role="OFF")
    c_page = page(phone.get(f"/s/r/{round_.id}/level/C"))
    fieldsets = c_page.select("fieldset.survey-item")
    assert len(fieldsets) == len(items_of(round_, "C"))
    # No C item names office staff: each says "Not part of my role" is a fine answer.
    for fieldset in fieldsets:
        assert fieldset.legend is not None
        assert "Not necessarily part of your role" in fieldset.get_text(" ")
    a_page = page(phone.get(f"/s/r/{round_.id}/level/A"))
    assert "Not necessarily part of your role" not in a_page.get_text(" ")


def test_one_item_is_saved_at_once_with_javascript(app, opened):
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    item = items_of(round_, "A")[2]
    saved = phone.post(
        f"/s/r/{round_.id}/items/{item.id}",
        data={f"a{item.id}": "2", f"c{item.id}": "1"},
        headers=HX,
    )
    assert saved.status_code == 200
    assert saved.get_data(as_text=True).strip() == "Saved."
    answer = db.session.scalar(select(Answer))
    assert (answer.kind.value, answer.value, answer.coaching) == ("scale", 2, True)
    # Changed again: the same answer row, the new value.
    phone.post(f"/s/r/{round_.id}/items/{item.id}", data={f"a{item.id}": "dk"}, headers=HX)
    db.session.expire_all()
    answer = db.session.scalar(select(Answer))
    assert (answer.kind.value, answer.value, answer.coaching) == ("dk", None, False)
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    # Without JavaScript the same address saves and goes back to the item.
    plain = phone.post(f"/s/r/{round_.id}/items/{item.id}", data={f"a{item.id}": "5"})
    assert plain.status_code == 303
    assert plain.headers["Location"].endswith(f"/level/A#item-{item.item_id}")


def test_the_first_saved_answer_locks_the_round(app, opened):
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    db.session.expire_all()
    assert db.session.get(Round, round_.id).locked_at is None
    item = items_of(round_, "A")[0]
    phone.post(f"/s/r/{round_.id}/items/{item.id}", data={f"a{item.id}": "3"}, headers=HX)
    db.session.expire_all()
    locked_at = db.session.get(Round, round_.id).locked_at
    assert locked_at is not None
    # Saving a whole page later keeps the first moment.
    answer_level(phone, round_, "B")
    db.session.expire_all()
    assert db.session.get(Round, round_.id).locked_at == locked_at


def test_free_text_written_first_locks_the_round_too(app, opened):
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    assert phone.post(f"/s/r/{round_.id}/text", data={"text": "Aloitan tästä."}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Round, round_.id).locked_at is not None


def test_a_page_saved_without_answers_locks_nothing(app, opened):
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    assert phone.post(f"/s/r/{round_.id}/level/A", data={}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Round, round_.id).locked_at is None


# --- submitting -------------------------------------------------------------------------------


def test_sending_needs_every_item_and_links_to_the_missing_ones(app, opened):
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    answer_level(phone, round_, "A")
    answer_level(phone, round_, "C")
    refused = phone.post(f"/s/r/{round_.id}/submit")
    assert refused.status_code == 422
    links = page(refused).select(".survey-missing a")
    b_items = items_of(round_, "B")
    assert len(links) == len(b_items)
    assert links[0]["href"] == f"/s/r/{round_.id}/level/B#item-{b_items[0].item_id}"
    assert b_items[0].text_en in links[0].get_text()
    assert db.session.scalar(select(Response.submitted_at)) is None
    answer_level(phone, round_, "B")
    sent = phone.post(f"/s/r/{round_.id}/submit")
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"/s/r/{round_.id}/report"
    assert db.session.scalar(select(Response.submitted_at)) is not None


def test_a_personal_link_is_bound_once_and_used_up_by_sending(app, opened):
    round_, _token = opened
    link, token = personal_link(round_)
    laptop, phone = device(app), device(app, "192.0.2.12")
    assert laptop.get(f"/s/p/{token}").status_code == 200
    begin(laptop, f"/s/p/{token}")
    answer_level(laptop, round_, "A", "2")
    assert db.session.scalar(select(Response.link_id)) == link.id
    # Another device with the same link may carry on with those answers (before sending).
    elsewhere = phone.get(f"/s/p/{token}")
    assert elsewhere.status_code == 200
    assert "started on another device" in text_of(elsewhere)
    moved = phone.post(f"/s/p/{token}")
    assert moved.status_code == 303
    assert response_count() == 1
    assert laptop.get(f"/s/r/{round_.id}/level/A").status_code == 404
    answer_all(phone, round_)
    assert phone.post(f"/s/r/{round_.id}/submit").status_code == 303
    db.session.expire_all()
    assert db.session.get(RoundLink, link.id).used_at is not None
    # Used: another device is refused, and the device that sent it sees its report.
    before = snapshot()
    for other in (laptop, device(app, "192.0.2.13")):
        for method in ("get", "post"):
            used = getattr(other, method)(f"/s/p/{token}", data={"role": "TCH"})
            assert used.status_code == 410
            assert "it works only once" in text_of(used)
    mine = phone.get(f"/s/p/{token}")
    assert mine.status_code == 200
    assert "See your own report" in text_of(mine)
    again = phone.post(f"/s/p/{token}", data={"role": "TCH", "unit": round_.units[0].id})
    assert again.status_code == 200
    assert snapshot() == before


def test_a_withdrawn_personal_link_gets_410(app, opened):
    round_, _token = opened
    link, token = personal_link(round_)
    link.revoked_at = utcnow()
    db.session.commit()
    for method in ("get", "post"):
        refused = getattr(device(app), method)(f"/s/p/{token}", data={"role": "TCH"})
        assert refused.status_code == 410
        assert "This personal link has been withdrawn" in text_of(refused)
    assert response_count() == 0


# --- refusals: nothing changed, no 5xx --------------------------------------------------------


@pytest.fixture
def answering_phone(app, opened):
    """A phone part-way through: level A answered with 3s."""
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    answer_level(phone, round_, "A")
    return phone


@pytest.mark.parametrize("value", ["0", "6", "-1", "3.5", "yes", "NA", "scale", " 3", "1" * 200])
def test_values_outside_the_scale_are_refused(app, opened, answering_phone, value):
    round_, _token = opened
    item = items_of(round_, "A")[0]
    before = snapshot()
    for headers in ({}, HX):
        refused = answering_phone.post(
            f"/s/r/{round_.id}/items/{item.id}", data={f"a{item.id}": value}, headers=headers
        )
        assert refused.status_code == 422
        assert "Pick one of the answers shown" in text_of(refused)
    # A whole page with one wrong value saves none of its values.
    data = {f"a{other.id}": "5" for other in items_of(round_, "A")} | {f"a{item.id}": value}
    refused = answering_phone.post(f"/s/r/{round_.id}/level/A", data=data)
    assert refused.status_code == 422
    assert snapshot() == before


def test_items_of_another_round_are_refused(app, team, opened, answering_phone):
    round_, _token = opened
    today = survey.local_today()
    other, _other_token = survey.open_round(
        team.workspace,
        team.facilitator,
        name="Toinen",
        opens_on=today,
        closes_on=today,
        roles=["TCH"],
        units=[],
    )
    db.session.commit()
    foreign = other.items[0]
    before = snapshot()
    refused = answering_phone.post(
        f"/s/r/{round_.id}/items/{foreign.id}", data={f"a{foreign.id}": "3"}, headers=HX
    )
    assert refused.status_code == 422
    assert "That question is not part of this survey" in text_of(refused)
    smuggled = answering_phone.post(
        f"/s/r/{round_.id}/level/B",
        data={f"a{items_of(round_, 'B')[0].id}": "4", f"a{foreign.id}": "3"},
    )
    assert smuggled.status_code == 422
    # And a round this device has no answers in is not reachable through another round's cookie.
    assert answering_phone.get(f"/s/r/{other.id}/level/A").status_code == 404
    assert snapshot() == before


def test_nul_bytes_are_refused(app, opened, answering_phone):
    round_, _token = opened
    item = items_of(round_, "A")[0]
    before = snapshot()
    for path, data in (
        (f"/s/r/{round_.id}/items/{item.id}", {f"a{item.id}": "3\x00"}),
        (f"/s/r/{round_.id}/text", {"text": "hyvä\x00teksti"}),
        (f"/s/r/{round_.id}/share", {"supervisor": "Esi\x00henkilö"}),
    ):
        refused = answering_phone.post(path, data=data)
        assert refused.status_code == 400, path
        assert "NUL" in text_of(refused)
    assert snapshot() == before


def test_free_text_over_the_limit_is_refused_clearly(app, opened, answering_phone):
    round_, _token = opened
    before = snapshot()
    for size in (FREE_TEXT_MAX + 1, 100_000):
        refused = answering_phone.post(f"/s/r/{round_.id}/text", data={"text": "x" * size})
        assert refused.status_code == 422
        assert f"At most {FREE_TEXT_MAX} characters" in text_of(refused)
    assert snapshot() == before
    saved = answering_phone.post(f"/s/r/{round_.id}/text", data={"text": "Haluan oppia lisää."})
    assert saved.status_code == 303
    assert db.session.scalar(select(Response.free_text)) == "Haluan oppia lisää."


def test_nothing_can_be_answered_after_sending(app, opened):
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    answer_all(phone, round_)
    assert phone.post(f"/s/r/{round_.id}/submit").status_code == 303
    item = items_of(round_, "A")[0]
    before = snapshot()
    for path, data in (
        (f"/s/r/{round_.id}/items/{item.id}", {f"a{item.id}": "5"}),
        (f"/s/r/{round_.id}/level/A", {f"a{item.id}": "5"}),
        (f"/s/r/{round_.id}/text", {"text": "Myöhässä"}),
        (f"/s/r/{round_.id}/about", {"role": "OFF", "unit": round_.units[1].id}),
        (f"/s/r/{round_.id}/submit", {}),
    ):
        refused = phone.post(path, data=data)
        assert refused.status_code == 409, path
        assert "already been sent" in text_of(refused)
    assert snapshot() == before


def test_nothing_can_be_answered_after_the_round_closed(app, opened, answering_phone):
    round_, _token = opened
    round_.closed_at = utcnow()
    db.session.commit()
    item = items_of(round_, "B")[0]
    before = snapshot()
    for path, data in (
        (f"/s/r/{round_.id}/items/{item.id}", {f"a{item.id}": "5"}),
        (f"/s/r/{round_.id}/level/B", {f"a{item.id}": "5"}),
        (f"/s/r/{round_.id}/text", {"text": "Myöhässä"}),
        (f"/s/r/{round_.id}/submit", {}),
    ):
        refused = answering_phone.post(path, data=data, headers={"Accept-Language": "sv"})
        assert refused.status_code == 410, path
        assert "Enkäten har stängts" in text_of(refused)
    assert snapshot() == before


def test_starting_answers_is_limited_per_address(make_app, opened):
    round_, token = opened
    limited = make_app(SURVEY_START_LIMIT_PER_ADDRESS="3 per minute")
    for n in range(3):
        jar = device(limited, "198.51.100.7")
        # Looking does not count; only starting does.
        assert jar.get(f"/s/{token}").status_code == 200
        assert (
            jar.post(f"/s/{token}", data={"role": "TCH", "unit": round_.units[0].id}).status_code
            == 303
        ), n
    flood = device(limited, "198.51.100.7").post(
        f"/s/{token}", data={"role": "TCH", "unit": round_.units[0].id}
    )
    assert flood.status_code == 429
    assert "Too many new answers were started from this network" in text_of(flood)
    assert response_count() == 3
    elsewhere = device(limited, "198.51.100.8")
    assert (
        elsewhere.post(f"/s/{token}", data={"role": "TCH", "unit": round_.units[0].id}).status_code
        == 303
    )


# --- the respondent's own report --------------------------------------------------------------


@pytest.fixture
def sent(app, opened):
    """A teacher who answered: A with 4s (one 'not part of my role'), B with 2s and
    coaching on the first, C 'can't say'."""
    round_, token = opened
    phone = device(app)
    begin(phone, f"/s/{token}")
    a_items = items_of(round_, "A")
    answer_level(phone, round_, "A", "4", **{f"a{a_items[-1].id}": "na"})
    b_first = items_of(round_, "B")[0]
    answer_level(phone, round_, "B", "2", **{f"c{b_first.id}": "1"})
    answer_level(phone, round_, "C", "dk")
    assert phone.post(f"/s/r/{round_.id}/submit").status_code == 303
    return phone


def test_the_own_report_shows_the_profile_by_level_against_the_role(app, opened, sent):
    round_, _token = opened
    report = sent.get(f"/s/r/{round_.id}/report")
    assert report.status_code == 200
    assert report.headers["Cache-Control"] == "private, no-store"
    rows = page(report).select(".survey-profile tbody tr")
    cells = [
        [cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])] for row in rows
    ]
    a_count = len(items_of(round_, "A"))
    b_count = len(items_of(round_, "B"))
    c_count = len(items_of(round_, "C"))
    # Level (and whether a teacher is expected to master it: A and B), mean, on the scale,
    # not part of my role, can't say.
    expected = "Expected of your role"
    assert cells[0] == [f"A Common basic competence {expected}", "4.0", str(a_count - 1), "1", "0"]
    assert cells[1] == [f"B Smooth transitions {expected}", "2.0", str(b_count), "0", "0"]
    assert cells[2] == ["C Extended customer competence", "–", "0", "0", str(c_count)]
    b_first = items_of(round_, "B")[0]
    coaching = text_of(report).split("You asked for coaching on")[1]
    assert b_first.text_en in coaching


def test_the_own_report_opens_on_this_device_only(app, opened, sent):
    round_, token = opened
    for stranger in (device(app), device(app, "192.0.2.99")):
        for path in ("report", "report.pdf"):
            refused = stranger.get(f"/s/r/{round_.id}/{path}")
            assert refused.status_code == 404
            assert "Syksy 2026" not in text_of(refused)
    # Opening the round's link again on this device leads to the report.
    again = sent.get(f"/s/{token}")
    assert again.status_code == 200
    assert "See your own report" in text_of(again)


def test_before_sending_the_report_is_not_there_yet(app, opened, answering_phone):
    round_, _token = opened
    early = answering_phone.get(f"/s/r/{round_.id}/report")
    assert early.status_code == 303
    assert early.headers["Location"] == f"/s/r/{round_.id}/level/B"
    assert (
        answering_phone.post(f"/s/r/{round_.id}/share", data={"supervisor": "Esa"}).status_code
        == 303
    )
    assert db.session.scalar(select(func.count()).select_from(ReportShare)) == 0


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def test_the_own_report_as_a_pdf_in_three_languages(app, opened, sent):
    round_, _token = opened
    for language, words in (
        ("fi", ["Yhteinen perusosaaminen", "Opettaja", "toivoo valmennusta", "Syksy 2026"]),
        ("sv", ["Gemensamt baskunnande", "Lärare", "Syksy 2026"]),
        ("en", ["Common basic competence", "Teacher", "Syksy 2026"]),
    ):
        made = sent.get(f"/s/r/{round_.id}/report.pdf?lang={language}")
        assert made.status_code == 200
        assert made.mimetype == "application/pdf"
        assert made.headers["Cache-Control"] == "private, no-store"
        assert "attachment" in made.headers["Content-Disposition"]
        text = pdf_text(made.data)
        for word in words:
            assert word in text, (language, word)
        assert "4,0" in text if language in ("fi", "sv") else "4.0" in text
    # Tagged and titled, like the sprint summary.
    info = subprocess.run(
        ["pdfinfo", "-"],
        input=sent.get(f"/s/r/{round_.id}/report.pdf").data,
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert "Tagged:          yes" in info
    assert "Syksy 2026" in info.split("Title:")[1].splitlines()[0]


def test_sharing_with_a_supervisor_and_withdrawing_it(app, opened, sent):
    round_, _token = opened
    shared = sent.post(f"/s/r/{round_.id}/share", data={"supervisor": "Sari Esihenkilö"})
    assert shared.status_code == 303
    report = sent.get(shared.headers["Location"])
    url = page(report).select_one(".survey-share__url a")["href"]
    assert re.match(r"^https?://[^/]+/s/shared/[A-Za-z0-9_-]+$", url)
    path = "/s/shared/" + url.rsplit("/", 1)[1]
    # Shown once: reloading the report does not show the address again.
    assert ".survey-share__url" not in sent.get(f"/s/r/{round_.id}/report").get_data(as_text=True)
    supervisor = device(app, "203.0.113.5")
    seen = supervisor.get(path)
    assert seen.status_code == 200
    assert "Sari Esihenkilö" in text_of(seen)
    assert "Common basic competence" in text_of(seen)
    assert seen.headers["Referrer-Policy"] == "no-referrer"
    assert "Teacher" in pdf_text(supervisor.get(path + "/report.pdf").data)
    # The supervisor cannot change anything, nor reach the respondent's own pages.
    assert supervisor.get(f"/s/r/{round_.id}/report").status_code == 404
    share = db.session.scalar(select(ReportShare))
    assert supervisor.post(f"/s/r/{round_.id}/share/{share.id}/revoke").status_code == 404
    # Withdrawn by the respondent on their device: 410 from then on.
    withdrawn = sent.post(f"/s/r/{round_.id}/share/{share.id}/revoke")
    assert withdrawn.status_code == 303
    for address in (path, path + "/report.pdf"):
        gone = supervisor.get(address)
        assert gone.status_code == 410
        assert "has withdrawn the link" in text_of(gone)
    assert "Sari Esihenkilö" not in text_of(sent.get(f"/s/r/{round_.id}/report"))


def test_a_share_needs_a_name_that_fits(app, opened, sent):
    round_, _token = opened
    for name in ("", "   ", "x" * 500):
        refused = sent.post(f"/s/r/{round_.id}/share", data={"supervisor": name})
        assert refused.status_code == 422
        assert page(refused).select("#supervisor-error")
    assert db.session.scalar(select(func.count()).select_from(ReportShare)) == 0


def test_htmx_refusals_come_back_as_a_notice(app, opened, answering_phone):
    round_, _token = opened
    item = items_of(round_, "A")[0]
    refused = answering_phone.post(
        f"/s/r/{round_.id}/items/{item.id}", data={f"a{item.id}": "9"}, headers=HX
    )
    assert refused.status_code == 422
    assert page(refused).select_one(".notice") is not None


def test_the_start_button_speaks_of_answering_not_of_starting_a_timer(app, opened):
    """The console's timer "Käynnistä" / "Starta" is another "Start": the survey's button
    says "Aloita" / "Börja svara"."""
    _round, token = opened
    for lang, words in (("fi", "Aloita"), ("sv", "Börja svara"), ("en", "Start")):
        start = page(device(app).get(f"/s/{token}", headers={"Accept-Language": lang}))
        button = start.select_one("form.survey-about button[type=submit]")
        assert " ".join(button.get_text().split()) == words
