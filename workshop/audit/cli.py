"""`flask --app workshop audit prune`: the log keeps AUDIT_DAYS days (a daily timer runs it)."""

import click
from flask import current_app
from flask.cli import AppGroup

from workshop.audit import services
from workshop.extensions import db

audit_group = AppGroup("audit", help="The audit log.")


@audit_group.command("prune")
def prune_command():
    """Remove audit events older than AUDIT_DAYS days (730 by default)."""
    days = int(current_app.config["AUDIT_DAYS"])
    removed = services.prune(days)
    db.session.commit()
    click.echo(f"Audit events older than {days} days removed: {removed}.")
