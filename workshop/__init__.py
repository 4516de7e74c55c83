"""Polku: co-design service-journey workshops."""

from pathlib import Path

from flask import Flask

from workshop import (
    compression,
    config,
    errors,
    fragment_cache,
    htmx,
    i18n,
    input_checks,
    pdf,
    ratelimit,
    security_headers,
)
from workshop.extensions import babel, csrf, db, login_manager, migrate
from workshop.models_base import render_migration_item

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then environment and instance settings, then test overrides."""
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    # The bounded `int` converter must be in place before the first route is added.
    input_checks.init_app(app)
    config.load(app, test_config)
    app.logger.setLevel(app.config["LOG_LEVEL"])
    app.jinja_env.add_extension("jinja2.ext.do")
    # First, so it runs after every other after_request: it compresses the finished body.
    compression.init_app(app)

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_ROOT / "migrations"),
        render_as_batch=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(PROJECT_ROOT / "translations"),
    )
    htmx.init_app(app)
    errors.init_app(app)
    security_headers.init_app(app)
    pdf.init_app(app)
    fragment_cache.init_app(app)

    from workshop import access, cli, templating
    from workshop.accounts import overview
    from workshop.accounts.views import bp as accounts_bp
    from workshop.archive.views import bp as archive_bp
    from workshop.audit import tracking as audit_tracking
    from workshop.audit.views import bp as audit_bp
    from workshop.competence import beside
    from workshop.competence.bank import load_banks
    from workshop.competence.views import answer_bp
    from workshop.competence.views import bp as survey_bp
    from workshop.critical_points import board, ranking, staff_view
    from workshop.critical_points import document as points_document
    from workshop.critical_points.views import bp as points_bp
    from workshop.export.views import bp as export_bp
    from workshop.followup import tracking
    from workshop.followup.views import bp as followup_bp
    from workshop.followup.views import link_bp as follow_link_bp
    from workshop.journey_templates.views import bp as templates_bp
    from workshop.journeys import board_points
    from workshop.journeys import services as journey_services
    from workshop.journeys.views import bp as journeys_bp
    from workshop.live import extensions as live_extensions
    from workshop.live import services as live_services
    from workshop.live.views import bp as live_bp
    from workshop.live.views import room as room_bp
    from workshop.live.views import workshops_bp
    from workshop.main.views import bp as main_bp
    from workshop.privacy.views import bp as privacy_bp
    from workshop.privacy.views import people_bp
    from workshop.site.views import bp as site_bp
    from workshop.sparring import commitments as sparring_commitments
    from workshop.sparring.views import bp as sparring_bp
    from workshop.sparring.views import room as sparring_room
    from workshop.sparring.views import sparrer_bp
    from workshop.sprints import live_link, snapshot
    from workshop.sprints.views import bp as sprints_bp
    from workshop.sprints.views import shared as shared_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(audit_bp, url_prefix="/admin/audit")
    app.register_blueprint(accounts_bp)
    app.register_blueprint(templates_bp, url_prefix="/templates")
    app.register_blueprint(journeys_bp, url_prefix="/w/<int:workspace_id>/journeys")
    app.register_blueprint(export_bp, url_prefix="/w/<int:workspace_id>/export")
    app.register_blueprint(points_bp, url_prefix="/w/<int:workspace_id>")
    app.register_blueprint(survey_bp, url_prefix="/w/<int:workspace_id>/survey")
    app.register_blueprint(answer_bp, url_prefix="/s")
    app.register_blueprint(sprints_bp, url_prefix="/w/<int:workspace_id>/sprints")
    app.register_blueprint(shared_bp, url_prefix="/shared")
    app.register_blueprint(live_bp)
    app.register_blueprint(room_bp, url_prefix="/w/<int:workspace_id>/sprints/<int:sprint_id>/live")
    app.register_blueprint(workshops_bp, url_prefix="/w/<int:workspace_id>/workshops")
    app.register_blueprint(followup_bp, url_prefix="/w/<int:workspace_id>/follow-up")
    app.register_blueprint(follow_link_bp, url_prefix="/f")
    app.register_blueprint(sparring_bp, url_prefix="/w/<int:workspace_id>/sparring")
    app.register_blueprint(sparrer_bp, url_prefix="/sp")
    app.register_blueprint(site_bp)
    app.register_blueprint(archive_bp)
    # Layers point one way (accounts → audit → site → journey templates → journeys →
    # critical points → competence → export → sprints → live → followup → sparring →
    # privacy → archive → main;
    app.register_blueprint(privacy_bp)
    app.register_blueprint(people_bp)
    # Layers point one way (accounts → journey templates → journeys → critical points →
    # competence → export → sprints → live → followup → sparring → main;
    # tests/unit/test_layers.py keeps it so):
    # what a lower layer needs from a higher one is handed down here.
    overview.init_app(app, journeys_of=journey_services.journeys_of, due_of=tracking.due_list)
    tracking.init_app(app, commitment_of=sparring_commitments.commitment_of)
    board_points.init_app(app, board.board_points)
    ranking.init_app(app, dot_counts=live_services.dot_counts, move_dots=live_services.move_dots)
    points_document.init_app(app, typed_organisations=live_services.typed_organisations)
    staff_view.init_app(app, beside.staff_view)
    snapshot.init_app(app, room_guests=live_services.room_participants)
    live_link.init_app(app, current_session=live_services.current_session)
    live_extensions.init_app(
        app,
        phone_panel=sparring_room.phone_panel,
        projector_panel=sparring_room.projector_panel,
    )
    audit_tracking.init_app(app)
    templating.init_app(app)
    access.init_app(app)
    ratelimit.init_app(app)
    cli.init_app(app)
    # A broken item bank stops the app here, naming the file, item and field, instead of
    # failing survey pages one at a time.
    load_banks(app.config["SURVEY_BANK_DIR"])
    return app
