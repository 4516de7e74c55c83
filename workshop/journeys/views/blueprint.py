"""The journeys blueprint (its labels reach templates through workshop/templating.py)."""

from flask import Blueprint

bp = Blueprint("journeys", __name__)
