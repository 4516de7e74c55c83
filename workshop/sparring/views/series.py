"""The workspace's sparring series: the list, a new series, its page with sparrers and
sessions, a sparrer's personal link (shown again, revoked), and the sparrer's own page."""

import segno
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from workshop import addresses, clock
from workshop.access import public, workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.confirm import ask_first
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import ConfirmForm
from workshop.htmx import redirect_page, render_page
from workshop.sparring import commitments, planning, services
from workshop.sparring.forms import SeriesForm, SparrerForm
from workshop.sparring.labels import LANGUAGE_LABELS
from workshop.sparring.models import MAX_SPARRERS, SparrerRole
from workshop.sparring.views.blueprint import bp, sparrer_bp


def common(workspace, membership) -> dict:
    """What every series and session page needs."""
    return {
        "workspace": workspace,
        "membership": membership,
        "facilitator": membership.role.allows(Role.FACILITATOR),
        "today": clock.today(),
    }


def series_or_404(workspace, series_id):
    return services.get_series(workspace, series_id) or abort(404)


def to_series(workspace, series, message):
    db.session.commit()
    flash(message, "success")
    return redirect_page(url_for("sparring.series", workspace_id=workspace.id, series_id=series.id))


def qr_code(url: str) -> Markup:
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=3, dark="#111", light="#fff", svgclass="qr", omitsize=True))


def sparrer_url(sparrer) -> str:
    return addresses.external_url("sparrer.landing", token=services.sparrer_token(sparrer))


@bp.route("/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership):
    """The workspace's sparring series, newest first."""
    return render_page(
        "sparring/series/index.html",
        all_series=services.series_of(workspace),
        next_session=planning.next_session,
        **common(workspace, membership),
    )


@bp.route("/new", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def new_series(workspace, membership):
    """Start a series for a management team."""
    form = SeriesForm(language=workspace_language())
    if request.method == "POST" and form.validate_on_submit():
        series = services.create_series(
            workspace, current_user, form.title.data, form.host.data, form.language.data
        )
        return to_series(workspace, series, _("Series started. Add its sparring partners."))
    return render_page(
        "sparring/series/series_form.html",
        status=422 if form.errors else 200,
        form=form,
        **common(workspace, membership),
    )


def workspace_language() -> str:
    lang = getattr(current_user, "language", None) or "fi"
    return lang if lang in LANGUAGE_LABELS else "fi"


def series_page_response(workspace, membership, series, status=200, sparrer_form=None):
    """The series' page; a refused sparrer form comes back as typed."""
    facilitator = membership.role.allows(Role.FACILITATOR)
    links = {}
    if facilitator:
        links = {
            s.id: (url, qr_code(url))
            for s in series.sparrers
            if s.revoked_at is None
            for url in [sparrer_url(s)]
        }
    today = clock.today()
    return render_page(
        "sparring/series/series.html",
        status=status,
        series=series,
        sessions=planning.upcoming(series.sessions, today),
        links=links,
        sparrer_form=sparrer_form or SparrerForm(formdata=None),
        max_sparrers=MAX_SPARRERS,
        **common(workspace, membership),
    )


@bp.route("/series/<int:series_id>")
@workspace_role(Role.OBSERVER)
def series(workspace, membership, series_id):
    """A series: its sparrers with their links, and its sessions, upcoming first."""
    return series_page_response(workspace, membership, series_or_404(workspace, series_id))


@bp.route("/series/<int:series_id>/sparrers", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def add_sparrer(workspace, membership, series_id):
    """Add a sparring partner with a personal link."""
    series_ = series_or_404(workspace, series_id)
    form = SparrerForm()
    if not form.validate_on_submit():
        return series_page_response(workspace, membership, series_, 422, form)
    sparrer = services.add_sparrer(
        series_,
        form.name.data,
        form.organisation.data,
        SparrerRole(form.role.data),
        form.email.data or "",
    )
    sparrer.named_consent = bool(form.named_consent.data)
    return to_series(
        workspace, series_, _("%(name)s added. Send them their personal link.", name=sparrer.name)
    )


@bp.route("/series/<int:series_id>/sparrers/<int:sparrer_id>/revoke", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def revoke_sparrer(workspace, membership, series_id, sparrer_id):
    """A sparrer's personal link stops working (asks first)."""
    series_ = series_or_404(workspace, series_id)
    sparrer = next((s for s in series_.sparrers if s.id == sparrer_id), None) or abort(404)
    form = ConfirmForm()
    if not form.is_confirmed():
        return ask_first(
            _("Revoke the personal link of %(name)s?", name=sparrer.name),
            [
                _("The link stops working at once: they no longer see the sessions through it."),
                _("What they wrote stays. A revoked link cannot be made to work again."),
            ],
            url_for(
                "sparring.revoke_sparrer",
                workspace_id=workspace.id,
                series_id=series_.id,
                sparrer_id=sparrer.id,
            ),
            _("Revoke the link"),
            url_for("sparring.series", workspace_id=workspace.id, series_id=series_.id),
            series_.title,
            form,
        )
    planning.revoke_sparrer(sparrer)
    return to_series(workspace, series_, _("The link of %(name)s was revoked.", name=sparrer.name))


# --- the sparrer's own page ------------------------------------------------------------------


def not_a_sparrer_link():
    return render_error(
        404, _("This sparring link is not valid, or it was revoked. Ask the host for a new one.")
    )


@sparrer_bp.route("/<token>")
@public
def landing(token):
    """A sparrer's page: their sessions, and the agreement and questions of the next one."""
    sparrer = services.sparrer_for_token(token)
    if sparrer is None:
        return not_a_sparrer_link()
    audit.record_share_use("sparrer", sparrer.id, sparrer.series.workspace_id)
    today = clock.today()
    sessions = [
        s for s in planning.upcoming(sparrer.series.sessions, today) if sparrer in s.sparrers
    ]
    return render_page(
        "sparring/series/sparrer.html",
        sparrer=sparrer,
        series=sparrer.series,
        sessions=sessions,
        coming=planning.next_session(sessions, today),
        witnessed=commitments.witnessed_by(sparrer),
        today=today,
        token=token,
    )
