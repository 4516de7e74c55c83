"""What the answering pages share: why a step was refused, this device's cookie and response,
where the respondent goes next, and the bank's names in the page's language."""

from flask import abort, current_app, make_response, request, url_for
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.competence import answering
from workshop.competence.answering_forms import AboutForm
from workshop.competence.models import Round
from workshop.competence.own_report import names_in
from workshop.competence.services import bank_of
from workshop.errors import render_error
from workshop.extensions import db

COOKIE = "polku_survey_{}"
COOKIE_DAYS = 400  # the browsers' own cap: the report stays reachable well after the round

# Why a step was refused: its status and the sentence saying so; nothing was changed.
REFUSALS = {
    "closed": (
        410,
        _l("This survey has closed. Answers can no longer be given or changed; nothing was saved."),
    ),
    "submitted": (
        409,
        _l("Your answers have already been sent, so they can no longer be changed."),
    ),
    "item": (422, _l("That question is not part of this survey. Nothing was saved.")),
    "value": (422, _l("Pick one of the answers shown. Nothing was saved.")),
    "role": (422, _l("Pick one of the roles shown.")),
    "unit": (422, _l("Pick one of the units shown.")),
    "revoked": (
        410,
        _l("This personal link has been withdrawn. Ask whoever gave it to you for a new one."),
    ),
    "used": (
        410,
        _l("Answers have already been sent with this personal link; it works only once."),
    ),
    "link_taken": (
        409,
        _l("This personal link was just started on another device. Open it again."),
    ),
    "busy": (409, _l("The answer was being saved twice at once. Send it again.")),
    "free_text": (404, _l("This survey does not ask for free text.")),
    "not_sent": (409, _l("Send your answers first; then you can share your report.")),
    "supervisor": (422, _l("Write the supervisor's name.")),
}
NO_ANSWERS_HERE = _l(
    "No answers to this survey were started on this device. Open the survey link you were given."
)


def refusal_text(reason: str, round_: Round | None = None) -> tuple[int, str]:
    """The status and translated sentence for a refused step."""
    if reason == "not_yet" and round_ is not None:
        opens = format_date(round_.opens_on, "long")
        return 404, _("This survey opens on %(date)s. Come back then.", date=opens)
    if reason == "too_many_shares":
        return 422, ngettext(
            "A report can have at most %(num)d share link. Withdraw one first.",
            "A report can have at most %(num)d share links. Withdraw one first.",
            answering.MAX_SHARES,
        )
    status, text = REFUSALS.get(
        reason, (400, _l("The request could not be understood. Nothing was changed."))
    )
    return status, str(text)


def refuse(reason: str, round_: Round | None = None):
    """A page (or, for htmx, a fragment) saying why; nothing was changed."""
    db.session.rollback()
    status, message = refusal_text(reason, round_)
    return render_error(status, message)


def device_token(round_: Round) -> str | None:
    """The token this device's cookie holds for the round, if any."""
    return request.cookies.get(COOKIE.format(round_.id))


def remember(response, round_: Round, token: str):
    """Bind this device to the answers: the cookie holds the token, the database its hash."""
    response.set_cookie(
        COOKIE.format(round_.id),
        token,
        max_age=COOKIE_DAYS * 24 * 3600,
        path=url_for("answer.start", token="x")[:-1],
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response


def private(response):
    """Answers and reports are this device's own: never cached, never sent on as a referrer."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def mine(round_id: int):
    """The round and this device's response in it; a page saying so when there is none."""
    round_ = db.session.get(Round, round_id)
    response = answering.response_for_device(round_, device_token(round_)) if round_ else None
    if response is None:
        abort(make_response(render_error(404, str(NO_ANSWERS_HERE))))
    return round_, response


def page_url(round_: Round, page: str, anchor: str | None = None) -> str:
    """The address of one page of answering: "about", a level, the free text or the review."""
    if page == answering.TEXT_PAGE:
        return url_for("answer.free_text", round_id=round_.id)
    if page == answering.REVIEW_PAGE:
        return url_for("answer.review", round_id=round_.id)
    if page == "about":
        return url_for("answer.about", round_id=round_.id)
    return url_for("answer.level", round_id=round_.id, level=page, _anchor=anchor)


def where_to(response) -> str:
    """Where this device's respondent goes on: the report once sent, else where they left off."""
    if response.submitted_at is not None:
        return url_for("answer.report", round_id=response.round_id)
    return page_url(response.round, answering.resume_page(response))


def language() -> str:
    """The page's language."""
    return str(get_locale())


def names(round_: Round) -> dict:
    """Level and role names and the scale's texts in the page's language, from the round's bank."""
    return names_in(bank_of(round_), language())


def about_form(round_: Round, bank_names: dict, **kwargs) -> AboutForm:
    """The role and unit questions with the round's choices."""
    roles = [(role, bank_names["roles"].get(role, role)) for role in round_.roles]
    units = [(unit.id, unit.name) for unit in round_.units]
    return AboutForm(**kwargs).fill(roles, units)
