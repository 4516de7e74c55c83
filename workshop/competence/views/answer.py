"""Opening a round without an account: the round's shared link, or a personal one-time link.
Opening shows the start; starting makes a response bound to this device by a cookie."""

from flask import g, redirect, request
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded

from workshop.access import public
from workshop.competence import answering, services
from workshop.competence.models import Round, RoundLink
from workshop.competence.views.answer_common import (
    about_form,
    device_token,
    names,
    private,
    refusal_text,
    refuse,
    remember,
    where_to,
)
from workshop.competence.views.blueprint import answer_bp
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page


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


def _start_page(round_: Round, form, link: RoundLink | None, status: int = 200, **context):
    return private(
        render_page(
            "survey/answer/start.html",
            round_=round_,
            form=form,
            link=link,
            names=names(round_),
            action=request.path,
            item_count=len(round_.items),
            status=status,
            **context,
        )
    )


def _continue_here(round_: Round, link: RoundLink, taken):
    """A personal link begun on another device and not sent: it can be continued here."""
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            token = answering.move_to_device(taken)
        except answering.Refused as refusal:
            return refuse(refusal.reason, round_)
        db.session.commit()
        return remember(redirect_page(where_to(taken)), round_, token)
    return _start_page(round_, form, link, elsewhere=taken)


def _start_here(round_: Round, link: RoundLink | None):
    """The role and unit questions; answered, a new response on this device."""
    form = about_form(round_, names(round_))
    if not (request.method == "POST" and form.validate_on_submit()):
        return _start_page(round_, form, link, 422 if form.errors else 200)
    try:
        response, token = answering.start(round_, form.role.data, form.unit.data, link)
    except answering.Refused as refusal:
        if refusal.reason not in ("role", "unit"):
            return refuse(refusal.reason, round_)
        db.session.rollback()
        getattr(form, refusal.reason).errors = [refusal_text(refusal.reason)[1]]
        return _start_page(round_, form, link, 422)
    db.session.commit()
    g.ratelimit_made = True  # only a response made counts against the address
    return remember(redirect_page(where_to(response)), round_, token)


def _open(round_: Round, link: RoundLink | None):
    """What a link opens: this device's answers, the start, or why not."""
    mine = answering.response_for_device(round_, device_token(round_))
    if mine is not None and (link is None or mine.link_id == link.id):
        if mine.submitted_at is None and request.method == "GET":
            return redirect(where_to(mine), code=303)
        if mine.submitted_at is not None and (link is not None or request.method == "GET"):
            # Sent already: the report, and (shared link) answering as someone else.
            return _start_page(round_, about_form(round_, names(round_)), link, sent=mine)
    refusal = answering.link_refusal(link) if link is not None else None
    if refusal:
        return refuse(refusal)
    state = answering.state_of(round_, services.local_today())
    if state != "open":
        return refuse(state, round_)
    taken = answering.response_of_link(link) if link is not None else None
    if taken is not None:
        return _continue_here(round_, link, taken)
    return _start_here(round_, link)


def _not_a_link():
    return render_error(404, _("This survey link is not valid. Check the address you were given."))


@answer_bp.route("/<token>", methods=["GET", "POST"])
@public
def start(token):
    """The round's shared link: anyone given it answers on their own device."""
    round_ = answering.round_for_token(token)
    return _not_a_link() if round_ is None else _open(round_, None)


@answer_bp.route("/p/<token>", methods=["GET", "POST"])
@public
def personal(token):
    """A personal one-time link: one response, sent once."""
    link = answering.link_for_token(token)
    return _not_a_link() if link is None else _open(link.round, link)
