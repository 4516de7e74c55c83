"""The report's printable document (the PDF and the share link's page) and the PDF response."""

import math
from datetime import date

from flask import Response, current_app, make_response, render_template, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from workshop import filenames, pdf
from workshop.competence import report as reports
from workshop.errors import render_error


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
    renderer: pdf.PdfRenderer = current_app.extensions["polku_pdf"]
    try:
        result = renderer.render(html)
    except pdf.PdfError as error:
        return _no_pdf(renderer, error)
    current_app.logger.info("PDF %s: %d pages in %.2fs", filename, result.pages, result.seconds)
    response = Response(result.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = filenames.attachment(filename, filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _no_pdf(renderer: pdf.PdfRenderer, error: pdf.PdfError) -> Response:
    """Why no PDF was made: 503 while busy or over a limit, 500 otherwise."""
    if isinstance(error, pdf.RenderBusy):
        message = _("Other PDFs are being made right now. Try again in a few seconds.")
        return make_response(render_error(503, message)[0], 503, {"Retry-After": "5"})
    if isinstance(error, pdf.RenderTimeout | pdf.RenderTooLarge):
        current_app.logger.warning("Survey report PDF stopped: %s", type(error).__name__)
        message = ngettext(
            "Making the PDF took longer than %(num)d second and was stopped. "
            "Try again later, or print the summary page from your browser.",
            "Making the PDF took longer than %(num)d seconds and was stopped. "
            "Try again later, or print the summary page from your browser.",
            math.ceil(renderer.timeout),
        )
        return make_response(*render_error(503, message))
    current_app.logger.exception("Survey report PDF failed")
    message = _(
        "The PDF could not be made. Try again in a moment, or print the summary "
        "page from your browser."
    )
    return make_response(*render_error(500, message))
