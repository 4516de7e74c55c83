"""`flask --app workshop archive export|import`: moving a workspace from the command line."""

from pathlib import Path

import click
from flask.cli import AppGroup

from workshop.accounts import services as accounts
from workshop.accounts.models import Workspace
from workshop.archive import reading, services
from workshop.audit.models import Action, ActorKind
from workshop.audit.services import record
from workshop.extensions import db

archive_group = AppGroup(
    "archive", help="Move a workspace to another Polku site as one archive file."
)


@archive_group.command("export")
@click.argument("workspace_id", type=int)
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False))
@click.option("--remove-names", is_flag=True, help="Replace people's names, leave out e-mails.")
def export_command(workspace_id: int, output: str, remove_names: bool):
    """Write the workspace WORKSPACE_ID to an archive file."""
    workspace = db.session.get(Workspace, workspace_id)
    if workspace is None:
        raise click.ClickException(f"no workspace has the id {workspace_id}")
    made = services.export_workspace(workspace, remove_names)
    Path(output).write_bytes(made.data)
    detail = "archive, names removed" if remove_names else "archive"
    record(
        Action.EXPORT,
        "workspace",
        workspace.id,
        workspace_id=workspace.id,
        actor_kind=ActorKind.SYSTEM,
        detail=detail,
    )
    db.session.commit()
    click.echo(f"Workspace {workspace.id} written to {output}: {sum(made.counts.values())} rows.")


@archive_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--owner", required=True, help="E-mail of the account that becomes facilitator.")
def import_command(file: str, owner: str):
    """Bring the archive FILE in as a new workspace."""
    user = accounts.get_user_by_email(owner)
    if user is None:
        raise click.ClickException(f"no account has the e-mail address {owner}")
    try:
        made = reading.import_archive(Path(file).read_bytes(), user, match_accounts=True)
    except reading.ArchiveProblem as problem:
        db.session.rollback()
        raise click.ClickException(f"nothing was imported: {problem.message}") from problem
    record(
        Action.CREATE,
        "workspace",
        made.workspace.id,
        workspace_id=made.workspace.id,
        actor_kind=ActorKind.SYSTEM,
        detail="archive import",
    )
    db.session.commit()
    click.echo(f"Imported as workspace {made.workspace.id}: {sum(made.counts.values())} rows.")
