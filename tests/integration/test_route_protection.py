"""Every route is protected: CSRF on every write, login on everything not public."""

import re

import pytest
from werkzeug.routing import Rule

from tests.conftest import text_of

PUBLIC = {
    "accounts.login",
    "accounts.language",
    "accounts.accept_invitation",
    # Institution sign-in and password reset links (tests/integration/
    # test_institution_sign_in.py, test_password_links.py).
    "accounts.institution_sign_in",
    "accounts.institution_callback",
    "accounts.reset_password",
    "accounts.forgot_password",
    "main.healthz",
    "shared.page",
    "shared.download",
    # Answers "unchanged" to members from one query; anything else goes through login
    # (test_live_board.py: a visitor's poll is sent to log in).
    "journeys.changes",
    # A workshop's guests join by code without an account; past the join, their own cookie
    # decides (tests/integration/test_live.py).
    "live.enter_code",
    "live.join",
    "live.phone",
    "live.phone_changes",
    "live.add_point",
    "live.suggest_step",
    "live.comment",
    "live.add_dot",
    "live.remove_dot",
    # Staff answer the competence survey through a round's link or a personal one, without
    # an account; past the link, this device's own cookie finds its answers and own report,
    # and a share link the respondent made shows that report read only
    # (tests/integration/test_survey_answering.py).
    "answer.start",
    "answer.personal",
    "answer.about",
    "answer.level",
    "answer.save_item",
    "answer.free_text",
    "answer.review",
    "answer.submit",
    "answer.report",
    "answer.report_pdf",
    "answer.share",
    "answer.revoke_share",
    "answer.shared",
    "answer.shared_pdf",
    # A round's report shared by a facilitator: read-only, no free text, withdrawn links
    # answer 410 (tests/integration/test_survey_report_outputs.py).
    "answer.shared_report",
    "answer.shared_report_pdf",
    # A sparring partner's personal link, no account (tests/integration/test_sparring_series.py).
    "sparrer.landing",
    # Follow-up owners' calendar feeds (a derived address, or an outside owner's link), the
    # sparring summary's share link and a sparrer's "you said, we did" through their own link
    # (tests/integration/test_followup_calendar.py, test_sparring_summary.py).
    "follow_link.user_calendar",
    "follow_link.calendar_feed",
    "sparrer.shared_summary",
    "sparrer.shared_summary_pdf",
    "sparrer.said_did_page",
    "sparrer.said_did_pdf",
    # A sparring session's evidence pack: through a share link (withdrawn → 410), and the
    # frozen pack from a sparrer's own link (tests/integration/test_sparring_evidence.py).
    "sparrer.shared_pack",
    "sparrer.shared_pack_pdf",
    "sparrer.sparrer_pack",
    "sparrer.sparrer_pack_pdf",
    # A sparrer's personal link leads to the room's join page; a guest of a sparring room
    # captures from the phone, found by this device's cookie like live's phone
    # (tests/integration/test_sparring_room.py).
    "sparrer.sparrer_room",
    "sparrer.guest_capture",
    # A follow-up's witness, or its owner outside the workspace, opens it by link without an
    # account; a withdrawn or forged token is refused (tests/integration/test_followup.py).
    "follow_link.page",
    "follow_link.comment",
    "follow_link.status",
    "follow_link.check_in",
    # The accessibility statement, About, the licence and the source are for everyone, signed in
    # or not (law 306/2019; AGPL-3.0 §13) (tests/integration/test_site.py).
    "site.accessibility",
    "site.about",
    "site.license_text",
    "site.source_code",
    # The privacy notice of the workspace behind a join code, a sparrer's link or a follow-up
    # link, readable before joining; never by workspace id (test_privacy_notice.py).
    "privacy.for_guests",
    "privacy.for_sparrer",
    "privacy.for_follow_link",
    "static",
}


def concrete_url(rule: Rule) -> str:
    """The rule's path with every variable filled with a value its converter accepts."""

    def fill(match: re.Match) -> str:
        converter, arguments, name = match.group(1), match.group(2), match.group(3)
        if converter == "any":
            return arguments.split(",")[0].strip()
        return "1" if converter == "int" or "id" in name else "x"

    return re.sub(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>", fill, rule.rule)


def rules(app, method=None):
    return [rule for rule in app.url_map.iter_rules() if method is None or method in rule.methods]


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def test_every_write_refuses_a_missing_csrf_token(csrf_app):
    client = csrf_app.test_client()
    writes = [r for r in rules(csrf_app) if r.methods & {"POST", "PUT", "PATCH", "DELETE"}]
    assert len(writes) >= 8
    for rule in writes:
        response = client.post(
            concrete_url(rule), data={"name": "x"}, headers={"Accept-Language": "en"}
        )
        assert response.status_code == 400, rule.rule
        assert "The form had expired" in text_of(response), rule.rule


def test_every_write_refuses_a_forged_csrf_token(csrf_app):
    client = csrf_app.test_client()
    client.get("/login")
    for rule in [r for r in rules(csrf_app, "POST")]:
        response = client.post(
            concrete_url(rule), data={"csrf_token": "forged"}, headers={"X-CSRFToken": "forged"}
        )
        assert response.status_code == 400, rule.rule


def test_every_private_route_sends_visitors_to_login(app):
    client = app.test_client()
    private = [r for r in rules(app, "GET") if r.endpoint not in PUBLIC]
    assert len(private) >= 6
    for rule in private:
        response = client.get(concrete_url(rule))
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/login?next="), rule.rule
    for rule in [r for r in rules(app, "POST") if r.endpoint not in PUBLIC]:
        response = client.post(concrete_url(rule))
        assert response.status_code == 302, rule.rule
        assert response.headers["Location"].startswith("/login"), rule.rule


def test_public_routes_are_exactly_the_intended_ones(app):
    from workshop.access import is_public

    with app.test_request_context():
        public = {r.endpoint for r in app.url_map.iter_rules() if is_public(r.endpoint)}
    assert public == PUBLIC


def test_htmx_request_of_a_visitor_is_sent_to_login_as_a_whole_page(app):
    response = app.test_client().get("/w/1/people", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")
