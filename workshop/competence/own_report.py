"""A respondent's own report as a printable document: the page a shared link shows and the
PDF, tagged and in Finnish, Swedish or English, on the sprint summary's print conventions."""

from flask import Response, render_template, request, url_for
from flask_babel import force_locale, format_decimal, get_locale
from flask_babel import gettext as _

from workshop import filenames, pdf
from workshop.competence import answering
from workshop.competence.models import ReportShare
from workshop.competence.models import Response as SurveyResponse
from workshop.competence.services import bank_of
from workshop.i18n import LANGUAGE_NAMES
from workshop.pdf_download import pdf_download

LANGUAGES = tuple(LANGUAGE_NAMES)


def language_asked() -> str:
    """The language the reader asked for (?lang=), else the page's own."""
    asked = request.args.get("lang")
    return asked if asked in LANGUAGES else str(get_locale())


def names_in(bank, language: str) -> dict:
    """Level and role names and the scale's texts from the bank, in one language."""
    if bank is None:
        return {"levels": {}, "about": {}, "roles": {}, "scale": {}}
    return {
        "levels": {level.id: level.name.get(language) for level in bank.levels},
        "about": {level.id: level.about.get(language) for level in bank.levels},
        "roles": {role.id: role.name.get(language) for role in bank.roles},
        "scale": {key: value.get(language) for key, value in bank.scale.items()},
    }


def render_report(
    response: SurveyResponse,
    share: ReportShare | None,
    for_pdf: bool,
    pdf_url: str | None = None,
    language: str | None = None,
) -> str:
    """The report as a document in one language: what the PDF is made from, or its preview."""
    language = language or language_asked()
    stylesheet = (
        pdf.static_url("css/print.css") if for_pdf else url_for("static", filename="css/print.css")
    )
    with force_locale(language):
        bank = bank_of(response.round)
        return render_template(
            "survey/answer/report_print.html",
            response=response,
            round_=response.round,
            profile=answering.profile(response, bank),
            names=names_in(bank, language),
            share=share,
            language=language,
            preview=not for_pdf,
            pdf_url=pdf_url,
            stylesheet=stylesheet,
            languages=LANGUAGE_NAMES,
            decimal=format_decimal,
        )


def file_name(response: SurveyResponse, ascii_only: bool) -> str:
    """E.g. `oma-raportti_osaamiskysely-syksy-2026_2026-12-06.pdf`."""
    parts = (
        filenames.slug(_("own report"), ascii_only),
        filenames.slug(response.round.name, ascii_only),
        response.submitted_at.date().isoformat(),
    )
    return "_".join(part for part in parts if part) + ".pdf"


def report_pdf_response(response: SurveyResponse, share: ReportShare | None) -> Response:
    """The report as a PDF download, or a page saying why none could be made."""
    language = language_asked()
    html = render_report(response, share, True, language=language)
    with force_locale(language):
        plain, full = file_name(response, True), file_name(response, False)
    return pdf_download(html, plain, full)
