"""The list of journey templates and a read-only preview of each."""

from flask import Blueprint, abort

from workshop.htmx import render_page
from workshop.i18n import current_language
from workshop.journey_templates import labels, services

bp = Blueprint("journey_templates", __name__)


@bp.get("/")
def index():
    """Every template that loaded, and a note if a file could not be read."""
    loaded = services.template_set()
    return render_page(
        "journey_templates/index.html",
        templates=list(loaded.templates.values()),
        problem_count=len(loaded.problems),
        lang=current_language(),
        kind_labels=labels.KIND_LABELS,
    )


@bp.get("/<template_id>")
def preview(template_id: str):
    """A template as stages across and lanes down, with its typical critical points."""
    template = services.get_template(template_id) or abort(404)
    return render_page(
        "journey_templates/preview.html",
        template=template,
        lanes_by_id={lane.id: lane for lane in template.lanes},
        lang=current_language(),
        kind_labels=labels.KIND_LABELS,
        channel_labels=labels.CHANNEL_LABELS,
        basis_labels=labels.BASIS_LABELS,
    )
