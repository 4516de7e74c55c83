"""The report's printable document (the PDF and the share link's page) and the PDF response."""

from datetime import date

from flask import Response, render_template, url_for
from flask_babel import force_locale

from workshop import pdf
from workshop.competence import report as reports
from workshop.pdf_download import pdf_download


def print_html(round_, language: str, for_pdf: bool, shared: bool, links=None) -> str:
    """The report as a printable document in one language: what the PDF is made from, and the
    page a share link opens. Free text is never in it: a PDF and a share link travel further
    than the report page, and the rules keep free text off share links."""
    stylesheet = (
        pdf.static_url("css/print.css") if for_pdf else url_for("static", filename="css/print.css")
    )
    with force_locale(language):
        view = reports.report_view(round_, language)
        return render_template(
            "survey/report/print.html",
            view=view,
            language=language,
            preview=not for_pdf,
            stylesheet=stylesheet,
            links=links or {},
            plan=None if shared else reports.plan_of(round_, language),
            today=date.today(),
        )


def pdf_response(html: str, filename: str) -> Response:
    """The PDF as a download, or a page saying why none was made."""
    return pdf_download(html, filename, filename)
