"""The critical points blueprint (its labels reach templates through workshop/templating.py)."""

from flask import Blueprint

bp = Blueprint("critical_points", __name__)
