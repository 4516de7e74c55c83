"""A rendered PDF as a download, or a translated page saying why none was made."""

import math

from flask import Response, current_app, make_response
from flask_babel import gettext as _
from flask_babel import ngettext

from workshop import filenames, pdf
from workshop.errors import render_error


def pdf_download(html: str, plain_name: str, full_name: str) -> Response:
    """The document as a PDF attachment named in ASCII and in full, or why none was made."""
    renderer: pdf.PdfRenderer = current_app.extensions["polku_pdf"]
    try:
        result = renderer.render(html)
    except pdf.PdfError as error:
        return refusal(renderer, error)
    current_app.logger.info("PDF %s: %d pages in %.2fs", plain_name, result.pages, result.seconds)
    response = Response(result.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = filenames.attachment(plain_name, full_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def refusal(
    renderer: pdf.PdfRenderer, error: pdf.PdfError, too_large: str | None = None
) -> Response:
    """Why no PDF was made: 503 while busy or over a limit (and a log line), 500 otherwise.

    `too_large` says what the reader can leave out when the document needs more memory than
    a PDF may use; without it they are told to print the page from the browser.
    """
    if isinstance(error, pdf.RenderBusy):
        message = _("Other PDFs are being made right now. Try again in a few seconds.")
        return make_response(render_error(503, message)[0], 503, {"Retry-After": "5"})
    if isinstance(error, pdf.RenderTimeout):
        current_app.logger.warning("PDF render stopped after %ss", renderer.timeout)
        message = ngettext(
            "Making the PDF took longer than %(num)d second and was stopped. "
            "Try again later, or print the summary page from your browser.",
            "Making the PDF took longer than %(num)d seconds and was stopped. "
            "Try again later, or print the summary page from your browser.",
            math.ceil(renderer.timeout),
        )
        return make_response(*render_error(503, message))
    failed = _(
        "The PDF could not be made. Try again in a moment, or print the summary "
        "page from your browser."
    )
    if isinstance(error, pdf.RenderTooLarge):
        current_app.logger.warning("PDF render stopped at its memory limit")
        return make_response(*render_error(503, too_large or failed))
    current_app.logger.exception("PDF render failed")
    return make_response(*render_error(500, failed))
