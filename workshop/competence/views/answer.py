"""Answering a round without an account (the answer part fills this in)."""

from flask import abort

from workshop.access import public
from workshop.competence.views.blueprint import answer_bp


@answer_bp.route("/<token>")
@public
def start(token):
    """The round's shared link."""
    abort(404)


@answer_bp.route("/p/<token>")
@public
def personal(token):
    """A personal one-time link."""
    abort(404)
