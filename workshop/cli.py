"""Commands for `flask --app workshop …`: demo content, the first admin, template checks,
sprint summaries as PDF."""

import smtplib
from pathlib import Path
from urllib.parse import urlsplit

import click
from flask import Flask, current_app, url_for

from workshop import addresses, backup, demo, mail, pdf
from workshop.accounts import services as accounts
from workshop.archive import cli as archive_cli
from workshop.audit import cli as audit_cli
from workshop.competence.bank import BankError, load_banks, unknown_references
from workshop.critical_points.models import DEFAULT_CATEGORIES
from workshop.extensions import db
from workshop.followup import reminders
from workshop.journey_templates.loader import (
    LANGUAGES,
    TemplateError,
    load_directory,
    load_template,
)
from workshop.privacy.cli import privacy_group
from workshop.sprints import services as sprints
from workshop.sprints.labels import LANGUAGES as EXPORT_LANGUAGES
from workshop.sprints.summary import summary_pdf_source


@click.command("demo")
@click.option("--host", help="The address the server will listen on, to print the join address.")
@click.option("--port", default=5000, show_default=True, help="The port it will listen on.")
def demo_command(host: str | None, port: int):
    """Load the demo workspace and print the facilitator's login (safe to run again)."""
    email, password = demo.load_demo(Path(current_app.instance_path))
    live = demo.demo_live_session()
    db.session.commit()
    click.echo("Demo content is ready.")
    click.echo(f"  Log in as: {email}")
    click.echo(f"  Password:  {password}")
    if live is None:
        return
    with current_app.test_request_context():
        path = url_for("live.join", code=live.join_code)
    public_url = current_app.config.get("PUBLIC_URL")
    if host is None and not public_url:
        click.echo(f"  Live session: join at {path} (code {live.join_code})")
        return
    root = addresses.room_root("http", host or "", port, host, public_url)
    click.echo(f"  Live session: phones join at {root}{path} (code {live.join_code})")
    if not public_url and addresses.is_loopback(urlsplit(root).hostname or ""):
        click.echo(
            "  Only this computer can open that address. To let phones in the room join, "
            "serve on the network: make run HOST=0.0.0.0"
        )


@click.command("create-admin")
@click.option("--email", prompt=True, help="E-mail address of the account.")
@click.option("--name", prompt=True, help="The person's name.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="At least 10 characters; prompted for if left out.",
)
def create_admin_command(email: str, name: str, password: str):
    """Make an administrator account, e.g. the first one of a new installation."""
    if len(password) < 10:
        raise click.ClickException("the password needs at least 10 characters")
    try:
        user = accounts.create_user(email, name, password, is_admin=True)
    except accounts.EmailTaken:
        raise click.ClickException(f"an account with e-mail {email} exists already") from None
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@click.group("journeys")
def journeys_group():
    """Journey template files."""


@journeys_group.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_command(paths: tuple[Path, ...]):
    """Validate the template files (default: every *.toml in the journeys folder)."""
    files = list(paths) or sorted(Path(current_app.config["JOURNEYS_DIR"]).glob("*.toml"))
    if not files:
        raise click.ClickException("no template files found")
    failed = 0
    for path in files:
        try:
            template = load_template(path)
        except TemplateError as error:
            failed += 1
            click.echo(f"FAIL {error.problem}", err=True)
            continue
        backstage = sum(lane.is_backstage for lane in template.lanes)
        click.echo(
            f"ok   {path.name}: {template.title.en} ({template.kind}); "
            f"{len(template.stages)} stages, {len(template.lanes)} lanes "
            f"({backstage} backstage), {len(template.steps)} steps, "
            f"{template.critical_point_count} typical critical points, "
            f"{len(template.sources)} sources; languages {', '.join(LANGUAGES)}"
        )
    if failed:
        raise click.ClickException(f"{failed} of {len(files)} template files have problems")


@click.group("survey")
def survey_group():
    """The staff competence survey's item bank."""


@survey_group.command("check")
def check_bank_command():
    """Validate every item bank version and what its items point at."""
    directory = Path(current_app.config["SURVEY_BANK_DIR"])
    try:
        banks = load_banks(directory)
    except BankError as error:
        raise click.ClickException(str(error)) from None
    if not banks:
        raise click.ClickException(f"no item bank files in {directory}")
    templates = load_directory(current_app.config["JOURNEYS_DIR"]).templates.values()
    step_keys = {f"{template.id}.{step.id}" for template in templates for step in template.steps}
    problems = []
    for version, bank in sorted(banks.items()):
        found = unknown_references(bank, step_keys, set(DEFAULT_CATEGORIES))
        problems += [f"{version}: {problem}" for problem in found]
        click.echo(f"{'FAIL' if found else 'ok  '} bank {version}: {len(bank.items)} items")
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} problems in the item bank")


@click.command("export-pdf")
@click.option("--sprint", "sprint_id", type=int, required=True, help="The sprint's number.")
@click.option(
    "--lang",
    "language",
    type=click.Choice(list(EXPORT_LANGUAGES)),
    default="fi",
    show_default=True,
    help="Language of the summary.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="The PDF file to write; by default journeys_sprint_date.pdf in this folder.",
)
@click.option("--names", is_flag=True, help="Print participants' names, not just the counts.")
def export_pdf_command(sprint_id: int, language: str, output: Path | None, names: bool):
    """Write a sprint's summary as PDF, made exactly as the web page makes it."""
    sprint = sprints.get_sprint_by_id(sprint_id)
    if sprint is None:
        raise click.ClickException(f"there is no sprint {sprint_id}")
    limit = current_app.config["PDF_MAX_STEPS"]
    steps = sprints.summary_step_count(sprint)
    if steps > limit:
        raise click.ClickException(
            f"sprint {sprint_id} has {steps} steps on its journeys; a summary can show at most "
            f"{limit} (PDF_MAX_STEPS)"
        )
    # Made inside a request as the web view makes it: same locale switching, context
    # processors and template globals. The PDF has no links (only the preview page does).
    with current_app.test_request_context():
        source = summary_pdf_source(sprint, language, names, {})
    output = output or Path(source.file_name)
    renderer: pdf.PdfRenderer = current_app.extensions["polku_pdf"]
    try:
        result = renderer.render(source.html)
    except pdf.RenderTimeout:
        raise click.ClickException(
            f"making the PDF took longer than {renderer.timeout} seconds (PDF_TIMEOUT) "
            "and was stopped"
        ) from None
    except pdf.PdfError as error:
        detail = str(error) or type(error).__doc__
        raise click.ClickException(f"the PDF could not be made: {detail}") from None
    output.write_bytes(result.data)
    click.echo(f"{output}: {result.pages} pages in {result.seconds:.1f} s")


@click.group("followup")
def followup_group():
    """Follow-up of commitments and sprint decisions."""


@followup_group.command("remind")
def remind_command():
    """E-mail the owners of check-ins that are due (each check-in once); run daily by a timer."""
    if not mail.is_configured():
        click.echo("E-mail is not configured (MAIL_SERVER and MAIL_FROM): no reminders sent.")
        return
    # Links in the messages point to PUBLIC_URL (set it, or they name localhost).
    base_url = current_app.config.get("PUBLIC_URL") or "http://localhost"
    with current_app.test_request_context(base_url=base_url):
        try:
            outcome = reminders.send_reminders()
        except (OSError, smtplib.SMTPException) as error:
            db.session.rollback()
            message = f"the mail server refused or could not be reached: {error}"
            raise click.ClickException(message) from error
        db.session.commit()
    click.echo(f"Reminders sent: {outcome.sent}.")
    if outcome.without_address:
        click.echo(f"Due check-ins whose owner has no e-mail address: {outcome.without_address}.")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(journeys_group)
    app.cli.add_command(survey_group)
    app.cli.add_command(export_pdf_command)
    app.cli.add_command(followup_group)
    app.cli.add_command(audit_cli.audit_group)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)
    app.cli.add_command(archive_cli.archive_group)
    app.cli.add_command(privacy_group)
