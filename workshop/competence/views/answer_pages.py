"""Answering page by page on this device: role and unit, one page per level, free text, and the
review that sends. Without JavaScript "Next" saves a page; with it each change saves at once."""

import re

from flask import abort, make_response, redirect, request
from flask_babel import gettext as _

from workshop.access import public
from workshop.competence import answering
from workshop.competence.answering_forms import FreeTextForm
from workshop.competence.views.answer_common import (
    about_form,
    language,
    mine,
    names,
    page_url,
    private,
    refusal_text,
    refuse,
    where_to,
)
from workshop.competence.views.blueprint import answer_bp
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page, wants_fragment

_ANSWER_FIELD = re.compile(r"^([ac])(\d{1,18})$")


def _after(round_, page: str) -> str:
    """The page "Next" (or "back") leads to from this one."""
    order = ["about", *answering.pages_of(round_)]
    index = order.index(page)
    step = -1 if request.form.get("go") == "back" and index else 1
    return page_url(round_, order[index + step])


def _unsent(round_id: int):
    """This device's round and response; after sending, a POST is refused and a GET goes on."""
    round_, response = mine(round_id)
    if response.submitted_at is not None:
        if request.method == "POST":
            abort(make_response(refuse("submitted")))
        abort(redirect(where_to(response), code=303))
    return round_, response


@answer_bp.route("/r/<int:round_id>/about", methods=["GET", "POST"])
@public
def about(round_id):
    """Change the role or unit one answers as, before sending."""
    round_, response = _unsent(round_id)
    form = about_form(round_, names(round_), data={"role": response.role, "unit": response.unit_id})
    if form.validate_on_submit():
        try:
            answering.change_about(response, form.role.data, form.unit.data)
        except answering.Refused as refusal:
            if refusal.reason not in ("role", "unit"):
                return refuse(refusal.reason, round_)
            db.session.rollback()
            getattr(form, refusal.reason).errors = [refusal_text(refusal.reason)[1]]
        else:
            db.session.commit()
            return redirect_page(_after(round_, "about"))
    return private(
        render_page(
            "survey/answer/about.html",
            round_=round_,
            form=form,
            names=names(round_),
            pages=answering.pages_of(round_),
            status=422 if form.errors else 200,
        )
    )


def _posted_answers(only: int | None = None) -> dict[int, tuple[str | None, bool]]:
    """{round item id: (choice, coaching)} from the form's a<id> and c<id> fields."""
    answers: dict[int, list] = {}
    for key in request.form:
        match = _ANSWER_FIELD.match(key)
        if match is None or (only is not None and int(match.group(2)) != only):
            continue
        entry = answers.setdefault(int(match.group(2)), [None, False])
        if match.group(1) == "a":
            entry[0] = request.form.get(key)
        else:
            entry[1] = request.form.get(key) == "1"
    return {item_id: (choice, coaching) for item_id, (choice, coaching) in answers.items()}


def _level_page(round_, response, level: str):
    return private(
        render_page(
            "survey/answer/level.html",
            round_=round_,
            response=response,
            level=level,
            items=[item for item in round_.items if item.level == level],
            answers={answer.round_item_id: answer for answer in response.answers},
            names=names(round_),
            pages=answering.pages_of(round_),
            language=language(),
        )
    )


@answer_bp.route("/r/<int:round_id>/level/<level>", methods=["GET", "POST"])
@public
def level(round_id, level):
    """One level's items on a page; "Next" saves them all (without JavaScript the only save)."""
    round_, response = _unsent(round_id)
    if level not in answering.levels_of(round_):
        abort(404)
    if request.method == "GET":
        return _level_page(round_, response, level)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        answering.save_answers(response, _posted_answers())
    except answering.Refused as refusal:
        return refuse(refusal.reason, round_)
    db.session.commit()
    return redirect_page(_after(round_, level))


@answer_bp.post("/r/<int:round_id>/items/<int:item_id>")
@public
def save_item(round_id, item_id):
    """One item saved the moment it changes (htmx); answers the item's status line."""
    round_, response = mine(round_id)
    EmptyForm().validate_on_submit() or abort(400)
    item = answering.item_of(round_, item_id)
    if item is None:
        return refuse("item")
    posted = _posted_answers(only=item_id).get(item_id, (None, False))
    try:
        saved = answering.save_answers(response, {item_id: posted})
    except answering.Refused as refusal:
        return refuse(refusal.reason, round_)
    db.session.commit()
    if not wants_fragment():
        return redirect(page_url(round_, item.level, f"item-{item.item_id}"), code=303)
    message = ""
    if saved:
        message = _("Saved.")
    elif posted[1]:
        message = _("Pick an answer too: the wish for coaching is saved with it.")
    return private(render_page("survey/answer/_status.html", "status", message=message))


@answer_bp.route("/r/<int:round_id>/text", methods=["GET", "POST"])
@public
def free_text(round_id):
    """Free text, when the round asks for it."""
    round_, response = _unsent(round_id)
    if not round_.free_text:
        abort(404)
    form = FreeTextForm(data={"text": response.free_text})
    if form.validate_on_submit():
        try:
            answering.save_free_text(response, form.text.data or "")
        except answering.Refused as refusal:
            return refuse(refusal.reason, round_)
        db.session.commit()
        return redirect_page(_after(round_, answering.TEXT_PAGE))
    return private(
        render_page(
            "survey/answer/text.html",
            round_=round_,
            form=form,
            names=names(round_),
            pages=answering.pages_of(round_),
            status=422 if form.errors else 200,
        )
    )


def _review_page(round_, response, status=200, refused: bool = False):
    return private(
        render_page(
            "survey/answer/review.html",
            round_=round_,
            response=response,
            names=names(round_),
            pages=answering.pages_of(round_),
            missing=answering.missing(response),
            answered=len(response.answers),
            refused=refused,
            language=language(),
            page_url=page_url,
            status=status,
        )
    )


@answer_bp.get("/r/<int:round_id>/review")
@public
def review(round_id):
    """Everything at a glance before sending: what is still missing, linked."""
    round_, response = _unsent(round_id)
    return _review_page(round_, response)


@answer_bp.post("/r/<int:round_id>/submit")
@public
def submit(round_id):
    """Send the answers; every item needs one. Then the respondent's own report."""
    round_, response = mine(round_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        answering.submit(response)
    except answering.Refused as refusal:
        if refusal.reason != "missing":
            return refuse(refusal.reason, round_)
        db.session.rollback()
        return _review_page(round_, response, 422, refused=True)
    db.session.commit()
    return redirect_page(where_to(response))
