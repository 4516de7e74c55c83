"""The evidence pack as a printable document: the page a share link opens, and its PDF."""

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from workshop import pdf
from workshop.critical_points.labels import ROLE_LABELS, SEVERITY_SHORT
from workshop.critical_points.models import ReporterRole
from workshop.followup.labels import STATUS_LABELS as FOLLOW_STATUS_LABELS
from workshop.followup.models import FollowStatus
from workshop.sparring.evidence import EvidencePack

CHECK_IN_LABELS = {
    "first_step": _l("First step confirmed by the owner"),
    "witness": _l("Status with the witness"),
    "outcome": _l("Outcome against the indicator"),
}


def print_html(pack: EvidencePack, for_pdf: bool, frozen: bool, links=None) -> str:
    """The pack in the host's language, as the PDF is made from it or as a page."""
    stylesheet = (
        pdf.static_url("css/print.css") if for_pdf else url_for("static", filename="css/print.css")
    )
    with force_locale(pack.language):
        return render_template(
            "sparring/evidence/print.html",
            pack=pack,
            language=pack.language,
            preview=not for_pdf,
            frozen=frozen,
            stylesheet=stylesheet,
            links=links or {},
            role_label=lambda role: str(ROLE_LABELS.get(ReporterRole(role), role)),
            severity_short=lambda s: str(SEVERITY_SHORT.get(s, s)),
            pack_status=lambda s: str(FOLLOW_STATUS_LABELS[FollowStatus(s)]),
            pack_check_in=lambda k: str(CHECK_IN_LABELS.get(k, k)),
        )


def pages_of(pack: EvidencePack) -> int:
    """How many pages the pack's PDF has."""
    renderer: pdf.PdfRenderer = current_app.extensions["polku_pdf"]
    return renderer.render(print_html(pack, for_pdf=True, frozen=True)).pages


def file_name(pack: EvidencePack) -> str:
    """The PDF's file name: the series and the session's day."""
    return f"evidence-pack-{pack.held_on.isoformat()}.pdf"
