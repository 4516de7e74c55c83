"""What every template can call, registered in one place: each domain's labels (from its
`labels.py`) and the filters. Part of the wiring, like create_app, so it may read every domain;
blueprints register no context processors or filters of their own."""

from datetime import UTC, date, datetime

from flask import Flask

from workshop import i18n, links
from workshop.accounts import labels as accounts
from workshop.accounts import oidc
from workshop.competence import round_labels as survey_rounds
from workshop.critical_points import labels as critical_points
from workshop.followup import labels as followup
from workshop.journeys import labels as journeys
from workshop.live import labels as live
from workshop.privacy import labels as privacy
from workshop.site import labels as site
from workshop.sparring import labels as sparring
from workshop.sparring import summary as sparring_summary
from workshop.sprints import labels as sprints


def isodate(value: str) -> date:
    """A date kept as text in a sprint document, back as a date for formatting."""
    return date.fromisoformat(value)


def isodatetime(value: str) -> datetime:
    """A UTC moment kept as text in a sprint document, back as a datetime for formatting."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def init_app(app: Flask) -> None:
    """Give every template the language helpers, the domains' labels and the date filters."""
    for domain in (
        i18n,
        accounts,
        journeys,
        critical_points,
        survey_rounds,
        sprints,
        live,
        followup,
        sparring,
        site,
        privacy,
    ):
        app.context_processor(domain.for_templates)
    # The login page's other ways in: institution sign-in, a password link by e-mail.
    app.context_processor(oidc.for_templates)
    app.add_template_filter(isodate, "isodate")
    app.add_template_filter(isodatetime, "isodatetime")
    app.add_template_filter(i18n.moment, "moment")
    app.add_template_filter(i18n.clock, "clock")
    app.add_template_filter(links.readable_url, "readable_url")
    app.add_template_filter(links.linked, "linked")
    # The session page's summary section: published within the week, or not yet.
    app.add_template_global(sparring_summary.timeliness, "sparring_summary_timeliness")
