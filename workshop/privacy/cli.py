"""`flask --app workshop privacy retention`: remove guests' names whose time is up."""

import click
from flask import current_app

from workshop import clock
from workshop.audit.models import Action, ActorKind
from workshop.audit.services import record
from workshop.extensions import db
from workshop.privacy import retention, services

privacy_group = click.Group("privacy", help="Personal data: guests' names past their time.")


@privacy_group.command("retention")
def retention_command():
    """Remove the names of guests whose live session ended POLKU_GUEST_NAME_DAYS days ago."""
    days = int(current_app.config["GUEST_NAME_DAYS"])
    done = retention.remove_guest_names(clock.now(), days, services.deployment_placeholder())
    if done.guests:
        record(
            Action.ERASE,
            "live_guest",
            actor_kind=ActorKind.SYSTEM,
            detail=(
                f"retention after {days} days: {done.guests} guests, {done.copies} copies, "
                f"{done.documents} documents"
            ),
        )
    db.session.commit()
    click.echo(
        f"Guests' names kept {days} days after their workshop ended: removed {done.guests} "
        f"(and {done.copies} copies of them, {done.documents} frozen documents redacted)."
    )
