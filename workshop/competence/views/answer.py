"""Answering a round without an account: the round's shared link and personal one-time links
open it, a cookie of this device finds the answers again, and the respondent's own report."""

import re

from flask import abort, current_app, g, make_response, redirect, request, session, url_for
from flask_babel import format_date, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded

from workshop import addresses
from workshop.access import public
from workshop.competence import answering
from workshop.competence.answering_forms import AboutForm, FreeTextForm, ShareForm
from workshop.competence.models import Round, RoundLink
from workshop.competence.own_report import render_report, report_pdf_response
from workshop.competence.services import bank_of
from workshop.competence.views.blueprint import answer_bp
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page, wants_fragment

COOKIE = "polku_survey_{}"
COOKIE_DAYS = 400  # the browser's own cap: the report stays reachable well after the round
NEW_SHARE_KEY = "survey_new_share"
_ANSWER_FIELD = re.compile(r"^([ac])(\d{1,18})$")


# --- refusals ---------------------------------------------------------------------------------


def _refusal_text(reason: str, round_: Round | None = None) -> tuple[int, str]:
    """The status and translated sentence for a refused step."""
    if reason == "not_yet" and round_ is not None:
        opens = format_date(round_.opens_on, "long")
        return 404, _("This survey opens on %(date)s. Come back then.", date=opens)
    if reason == "closed":
        return 410, _(
            "This survey has closed. Answers can no longer be given or changed; nothing was saved."
        )
    texts = {
        "submitted": (
            409,
            _("Your answers have already been sent, so they can no longer be changed."),
        ),
        "item": (422, _("That question is not part of this survey. Nothing was saved.")),
        "value": (422, _("Pick one of the answers shown. Nothing was saved.")),
        "role": (422, _("Pick one of the roles shown.")),
        "unit": (422, _("Pick one of the units shown.")),
        "revoked": (
            410,
            _("This personal link has been withdrawn. Ask whoever gave it to you for a new one."),
        ),
        "used": (
            410,
            _("Answers have already been sent with this personal link; it works only once."),
        ),
        "link_taken": (
            409,
            _("This personal link was just started on another device. Open it again."),
        ),
        "busy": (409, _("The answer was being saved twice at once. Send it again.")),
        "free_text": (404, _("This survey does not ask for free text.")),
        "not_sent": (409, _("Send your answers first; then you can share your report.")),
        "too_many_shares": (
            422,
            ngettext(
                "A report can have at most %(num)d share link. Withdraw one first.",
                "A report can have at most %(num)d share links. Withdraw one first.",
                answering.MAX_SHARES,
            ),
        ),
        "supervisor": (422, _("Write the supervisor's name.")),
    }
    return texts.get(reason, (400, _("The request could not be understood. Nothing was changed.")))


def _refuse(reason: str, round_: Round | None = None):
    """A page (or, for htmx, a fragment) saying why; nothing was changed."""
    db.session.rollback()
    status, message = _refusal_text(reason, round_)
    return render_error(status, message)


def _stop(reason: str, round_: Round | None = None):
    """Stop the request with the refusal page."""
    abort(make_response(_refuse(reason, round_)))


@answer_bp.errorhandler(RateLimitExceeded)
def too_many_starts(error):
    """New answers are limited per address, so a flood of fresh browsers cannot fill the table."""
    return render_error(
        429,
        _(
            "Too many new answers were started from this network just now. "
            "Wait a while and open the link again."
        ),
    )


# --- this device ------------------------------------------------------------------------------


def _device_token(round_: Round) -> str | None:
    return request.cookies.get(COOKIE.format(round_.id))


def _remember(response, round_: Round, token: str):
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


def _private(response):
    """Answers and reports are this device's own: never cached, never sent on as a referrer."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _mine(round_id: int):
    """The round and this device's response in it; a page saying so when there is none."""
    round_ = db.session.get(Round, round_id)
    response = answering.response_for_device(round_, _device_token(round_)) if round_ else None
    if response is None:
        abort(
            make_response(
                render_error(
                    404,
                    _(
                        "No answers to this survey were started on this device. "
                        "Open the survey link you were given."
                    ),
                )
            )
        )
    return round_, response


def _page_url(round_: Round, page: str, anchor: str | None = None) -> str:
    if page == answering.TEXT_PAGE:
        return url_for("answer.free_text", round_id=round_.id)
    if page == answering.REVIEW_PAGE:
        return url_for("answer.review", round_id=round_.id)
    if page == "about":
        return url_for("answer.about", round_id=round_.id)
    return url_for("answer.level", round_id=round_.id, level=page, _anchor=anchor)


def _where_to(response) -> str:
    """Where this device's respondent goes on: the report once sent, else where they left off."""
    if response.submitted_at is not None:
        return url_for("answer.report", round_id=response.round_id)
    return _page_url(response.round, answering.resume_page(response))


# --- names from the bank ------------------------------------------------------------------------


def _language() -> str:
    return str(get_locale())


def _names(round_: Round) -> dict:
    """Level and role names and the scale's texts in the page's language, from the round's bank."""
    bank = bank_of(round_)
    language = _language()
    if bank is None:
        return {"levels": {}, "roles": {}, "scale": {}, "about": {}, "expected": {}}
    return {
        "levels": {level.id: level.name.get(language) for level in bank.levels},
        "about": {level.id: level.about.get(language) for level in bank.levels},
        "roles": {role.id: role.name.get(language) for role in bank.roles},
        "expected": {role.id: role.expected for role in bank.roles},
        "scale": {key: value.get(language) for key, value in bank.scale.items()},
    }


def _about_form(round_: Round, names: dict, **kwargs) -> AboutForm:
    roles = [(role, names["roles"].get(role, role)) for role in round_.roles]
    units = [(unit.id, unit.name) for unit in round_.units]
    return AboutForm(**kwargs).fill(roles, units)


# --- opening a link ---------------------------------------------------------------------------


def _start_page(round_: Round, form, link: RoundLink | None, status: int = 200, **context):
    names = _names(round_)
    return _private(
        render_page(
            "survey/answer/start.html",
            round_=round_,
            form=form,
            link=link,
            names=names,
            action=request.path,
            item_count=len(round_.items),
            status=status,
            **context,
        )
    )


def _open(round_: Round, link: RoundLink | None):
    """What a link opens: this device's answers, the start form, or why not."""
    mine = answering.response_for_device(round_, _device_token(round_))
    if mine is not None and (link is None or mine.link_id == link.id):
        if mine.submitted_at is None and request.method == "GET":
            return redirect(_where_to(mine), code=303)
        if mine.submitted_at is not None and (link is not None or request.method == "GET"):
            # Sent already: the report, and (shared link) answering as someone else.
            return _start_page(round_, _about_form(round_, _names(round_)), link, sent=mine)
    if link is not None:
        refusal = answering.link_refusal(link)
        if refusal:
            return _refuse(refusal)
    state = answering.state_of(round_, answering.today())
    if state != "open":
        return _refuse(state, round_)
    names = _names(round_)
    taken = answering.response_of_link(link) if link is not None else None
    if taken is not None:
        # Begun on another device and not sent: it can be continued here instead.
        form = EmptyForm()
        if request.method == "POST" and form.validate_on_submit():
            try:
                token = answering.move_to_device(taken)
            except answering.Refused as refusal:
                return _refuse(refusal.reason, round_)
            db.session.commit()
            return _remember(redirect_page(_where_to(taken)), round_, token)
        return _start_page(round_, form, link, elsewhere=taken)
    form = _about_form(round_, names)
    if request.method == "POST" and form.validate_on_submit():
        try:
            response, token = answering.start(round_, form.role.data, form.unit.data, link)
        except answering.Refused as refusal:
            db.session.rollback()
            if refusal.reason in ("role", "unit"):
                getattr(form, refusal.reason).errors = [_refusal_text(refusal.reason)[1]]
                return _start_page(round_, form, link, 422)
            return _refuse(refusal.reason, round_)
        db.session.commit()
        g.ratelimit_made = True
        return _remember(redirect_page(_where_to(response)), round_, token)
    return _start_page(round_, form, link, 422 if form.errors else 200)


@answer_bp.route("/<token>", methods=["GET", "POST"])
@public
def start(token):
    """The round's shared link: anyone given it answers on their own device."""
    round_ = answering.round_for_token(token)
    if round_ is None:
        return render_error(
            404, _("This survey link is not valid. Check the address you were given.")
        )
    return _open(round_, None)


@answer_bp.route("/p/<token>", methods=["GET", "POST"])
@public
def personal(token):
    """A personal one-time link: one response, sent once."""
    link = answering.link_for_token(token)
    if link is None:
        return render_error(
            404, _("This survey link is not valid. Check the address you were given.")
        )
    return _open(link.round, link)


# --- answering --------------------------------------------------------------------------------


@answer_bp.route("/r/<int:round_id>/about", methods=["GET", "POST"])
@public
def about(round_id):
    """Change the role or unit one answers as, before sending."""
    round_, response = _mine(round_id)
    if response.submitted_at is not None:
        if request.method == "POST":
            return _refuse("submitted")
        return redirect(_where_to(response), code=303)
    names = _names(round_)
    form = _about_form(round_, names, data={"role": response.role, "unit": response.unit_id})
    if form.validate_on_submit():
        try:
            answering.change_about(response, form.role.data, form.unit.data)
        except answering.Refused as refusal:
            if refusal.reason in ("role", "unit"):
                db.session.rollback()
                getattr(form, refusal.reason).errors = [_refusal_text(refusal.reason)[1]]
            else:
                return _refuse(refusal.reason, round_)
        else:
            db.session.commit()
            return redirect_page(_page_url(round_, answering.pages_of(round_)[0]))
    return _private(
        render_page(
            "survey/answer/about.html",
            round_=round_,
            form=form,
            names=names,
            pages=answering.pages_of(round_),
            status=422 if form.errors else 200,
        )
    )


def _posted_answers(only: int | None = None) -> dict[int, tuple[str | None, bool]]:
    """{round item id: (choice, coaching)} from the form's a<id> and c<id> fields."""
    answers: dict[int, list] = {}
    for key in request.form:
        match = _ANSWER_FIELD.match(key)
        if match is None:
            continue
        item_id = int(match.group(2))
        if only is not None and item_id != only:
            continue
        entry = answers.setdefault(item_id, [None, False])
        if match.group(1) == "a":
            entry[0] = request.form.get(key)
        else:
            entry[1] = request.form.get(key) == "1"
    return {item_id: (choice, coaching) for item_id, (choice, coaching) in answers.items()}


def _level_page(round_, response, level: str, status: int = 200, error: str | None = None):
    names = _names(round_)
    pages = answering.pages_of(round_)
    index = pages.index(level)
    answers = {answer.round_item_id: answer for answer in response.answers}
    return _private(
        render_page(
            "survey/answer/level.html",
            round_=round_,
            response=response,
            level=level,
            items=[item for item in round_.items if item.level == level],
            answers=answers,
            names=names,
            pages=pages,
            previous=_page_url(round_, pages[index - 1]) if index else _page_url(round_, "about"),
            error=error,
            language=_language(),
            status=status,
        )
    )


@answer_bp.route("/r/<int:round_id>/level/<level>", methods=["GET", "POST"])
@public
def level(round_id, level):
    """One level's items on a page; "Next" saves them all (without JavaScript the only save)."""
    round_, response = _mine(round_id)
    if level not in answering.levels_of(round_):
        abort(404)
    if response.submitted_at is not None:
        if request.method == "POST":
            return _refuse("submitted")
        return redirect(_where_to(response), code=303)
    if request.method == "POST":
        EmptyForm().validate_on_submit() or abort(400)
        try:
            answering.save_answers(response, _posted_answers())
        except answering.Refused as refusal:
            return _refuse(refusal.reason, round_)
        db.session.commit()
        pages = answering.pages_of(round_)
        go = request.form.get("go")
        index = pages.index(level)
        if go == "back":
            target = _page_url(round_, pages[index - 1]) if index else _page_url(round_, "about")
        elif go == "stay":
            target = _page_url(round_, level)
        else:
            target = _page_url(round_, pages[index + 1])
        return redirect_page(target)
    return _level_page(round_, response, level)


@answer_bp.post("/r/<int:round_id>/items/<int:item_id>")
@public
def save_item(round_id, item_id):
    """One item saved the moment it changes (htmx); answers the item's status line."""
    round_, response = _mine(round_id)
    EmptyForm().validate_on_submit() or abort(400)
    item = answering.item_of(round_, item_id)
    if item is None:
        return _refuse("item")
    posted = _posted_answers(only=item_id).get(item_id, (None, False))
    try:
        saved = answering.save_answers(response, {item_id: posted})
    except answering.Refused as refusal:
        return _refuse(refusal.reason, round_)
    db.session.commit()
    if not wants_fragment():
        return redirect(_page_url(round_, item.level, f"item-{item.item_id}"), code=303)
    if saved:
        message = _("Saved.")
    elif posted[1]:
        message = _("Pick an answer too: the wish for coaching is saved with it.")
    else:
        message = ""
    return _private(render_page("survey/answer/_status.html", "status", message=message, item=item))


@answer_bp.route("/r/<int:round_id>/text", methods=["GET", "POST"])
@public
def free_text(round_id):
    """Free text, when the round asks for it."""
    round_, response = _mine(round_id)
    if not round_.free_text:
        abort(404)
    if response.submitted_at is not None and request.method == "GET":
        return redirect(_where_to(response), code=303)
    form = FreeTextForm(data={"text": response.free_text})
    if request.method == "POST":
        if response.submitted_at is not None:
            return _refuse("submitted")
        if form.validate_on_submit():
            try:
                answering.save_free_text(response, form.text.data or "")
            except answering.Refused as refusal:
                return _refuse(refusal.reason, round_)
            db.session.commit()
            pages = answering.pages_of(round_)
            index = pages.index(answering.TEXT_PAGE)
            step = -1 if request.form.get("go") == "back" else 1
            return redirect_page(_page_url(round_, pages[index + step]))
    pages = answering.pages_of(round_)
    return _private(
        render_page(
            "survey/answer/text.html",
            round_=round_,
            form=form,
            names=_names(round_),
            pages=pages,
            status=422 if form.errors else 200,
        )
    )


def _review_page(round_, response, status=200, refused: bool = False):
    names = _names(round_)
    return _private(
        render_page(
            "survey/answer/review.html",
            round_=round_,
            response=response,
            names=names,
            pages=answering.pages_of(round_),
            missing=answering.missing(response),
            answered=len(response.answers),
            refused=refused,
            language=_language(),
            page_url=_page_url,
            status=status,
        )
    )


@answer_bp.get("/r/<int:round_id>/review")
@public
def review(round_id):
    """Everything at a glance before sending: what is still missing, linked."""
    round_, response = _mine(round_id)
    if response.submitted_at is not None:
        return redirect(_where_to(response), code=303)
    return _review_page(round_, response)


@answer_bp.post("/r/<int:round_id>/submit")
@public
def submit(round_id):
    """Send the answers; every item needs one. Then the respondent's own report."""
    round_, response = _mine(round_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        answering.submit(response)
    except answering.Refused as refusal:
        if refusal.reason == "missing":
            db.session.rollback()
            return _review_page(round_, response, 422, refused=True)
        return _refuse(refusal.reason, round_)
    db.session.commit()
    return redirect_page(url_for("answer.report", round_id=round_.id))


# --- the respondent's own report --------------------------------------------------------------


def _sent(round_id: int):
    round_, response = _mine(round_id)
    if response.submitted_at is None:
        abort(make_response(redirect(_where_to(response), code=303)))
    return round_, response


@answer_bp.get("/r/<int:round_id>/report")
@public
def report(round_id):
    """The respondent's own profile, on this device only, with its PDF and share links."""
    round_, response = _sent(round_id)
    return _report_page(round_, response, ShareForm(formdata=None))


def _report_page(round_, response, share_form, status: int = 200):
    new_share = session.pop(NEW_SHARE_KEY, None)
    if not (isinstance(new_share, list | tuple) and len(new_share) == 2):
        new_share = None
    names = _names(round_)
    return _private(
        render_page(
            "survey/answer/report.html",
            round_=round_,
            response=response,
            profile=answering.profile(response, bank_of(round_)),
            names=names,
            language=_language(),
            share_form=share_form,
            shares=[s for s in response.shares if s.revoked_at is None],
            new_share=new_share,
            decimal=format_decimal,
            status=status,
        )
    )


@answer_bp.get("/r/<int:round_id>/report.pdf")
@public
def report_pdf(round_id):
    """The respondent's own report as a PDF."""
    round_, response = _sent(round_id)
    return _private(report_pdf_response(response, None))


@answer_bp.post("/r/<int:round_id>/share")
@public
def share(round_id):
    """Share one's own report with a named supervisor: a read-only link, shown once."""
    round_, response = _sent(round_id)
    form = ShareForm()
    if not form.validate_on_submit():
        return _report_page(round_, response, form, 422)
    try:
        link, token = answering.share(response, form.supervisor.data)
    except answering.Refused as refusal:
        db.session.rollback()
        form.supervisor.errors = [_refusal_text(refusal.reason)[1]]
        return _report_page(round_, response, form, 422)
    db.session.commit()
    session[NEW_SHARE_KEY] = (link.id, addresses.external_url("answer.shared", token=token))
    return redirect_page(url_for("answer.report", round_id=round_.id, _anchor="share-title"))


@answer_bp.post("/r/<int:round_id>/share/<int:share_id>/revoke")
@public
def revoke_share(round_id, share_id):
    """Withdraw a share link: whoever opens it is told it was withdrawn."""
    round_, response = _sent(round_id)
    EmptyForm().validate_on_submit() or abort(400)
    if answering.revoke(response, share_id) is None:
        abort(404)
    db.session.commit()
    return redirect_page(url_for("answer.report", round_id=round_.id, _anchor="share-title"))


def _shared_link(token):
    try:
        link = answering.find_share(token)
    except answering.ShareGone:
        abort(
            make_response(
                render_error(410, _("The person who shared this report has withdrawn the link."))
            )
        )
    if link is None or link.response.submitted_at is None:
        abort(make_response(render_error(404)))
    return link


@answer_bp.get("/shared/<token>")
@public
def shared(token):
    """A respondent's report shared with their supervisor: read only."""
    link = _shared_link(token)
    return _private(
        make_response(
            render_report(
                link.response,
                link,
                for_pdf=False,
                pdf_url=url_for("answer.shared_pdf", token=token),
            )
        )
    )


@answer_bp.get("/shared/<token>/report.pdf")
@public
def shared_pdf(token):
    """The shared report as a PDF."""
    link = _shared_link(token)
    return _private(report_pdf_response(link.response, link))
