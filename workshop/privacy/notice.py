"""A workspace's privacy notice: the facilitators' own text, or the default built from what
Polku stores, and the plain-text form both are written in.

The text form is small on purpose: blocks separated by a blank line; a block starting with
"# " is a heading, a block whose lines all start with "- " a list, any other a paragraph.
"""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from workshop.accounts import services as accounts
from workshop.accounts.models import Role, Workspace
from workshop.extensions import db
from workshop.privacy.models import NoticeText


@dataclass(frozen=True)
class Block:
    """One piece of the notice: a heading, a paragraph or a list."""

    kind: str
    lines: tuple[str, ...]


def blocks(text: str) -> list[Block]:
    """The notice's text as headings, paragraphs and lists, in order."""
    found = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        lines = tuple(line.strip() for line in chunk.split("\n") if line.strip())
        if not lines:
            continue
        if lines[0].startswith("# ") and len(lines) == 1:
            found.append(Block("heading", (lines[0][2:].strip(),)))
        elif all(line.startswith("- ") for line in lines):
            found.append(Block("list", tuple(line[2:].strip() for line in lines)))
        else:
            found.append(Block("paragraph", (" ".join(lines),)))
    return found


def retention_days() -> int:
    """How many days after their live session ended guests' names are kept."""
    return int(current_app.config["GUEST_NAME_DAYS"])


def written(workspace: Workspace, language: str) -> NoticeText | None:
    """The facilitators' own notice in this language, if they wrote one."""
    return db.session.scalar(
        db.select(NoticeText).where(
            NoticeText.workspace_id == workspace.id, NoticeText.language == language
        )
    )


def text_of(workspace: Workspace, language: str) -> str:
    """The notice as shown in this language: the facilitators' own, or the default."""
    own = written(workspace, language)
    return own.body if own is not None else default_text(workspace, language)


def facilitator_names(workspace: Workspace) -> list[str]:
    """Whom to contact: the workspace's facilitators."""
    return sorted(m.user.name for m in accounts.members_of(workspace) if m.role == Role.FACILITATOR)


def default_text(workspace: Workspace, language: str) -> str:
    """The default notice in the given language, from the workspace's name and what Polku keeps."""
    with force_locale(language):
        return _default_text(workspace.name, facilitator_names(workspace), retention_days())


def _default_text(workspace: str, contacts: list[str], days: int) -> str:
    parts = [
        "# " + _("Who is responsible for the data"),
        _(
            "The facilitators of the workspace %(workspace)s use the Polku service to improve "
            "apprenticeship and training-agreement services together with working life. The "
            "organisation they work for is the controller of the personal data collected here "
            "and names the legal basis of its processing.",
            workspace=workspace,
        ),
        _("Contact: the workspace's facilitators, %(names)s.", names=", ".join(contacts))
        if contacts
        else _("Contact: the workspace's facilitators."),
        "# " + _("What is stored"),
        "\n".join(
            "- " + line
            for line in (
                _("Members' names, e-mail addresses, roles and organisations."),
                _(
                    "The name a workshop participant gives, their role and organisation, what "
                    "they write and their dots and votes."
                ),
                _(
                    "The network a participant joined from (the first part of the address, "
                    "never the whole address), to keep the workshop safe from misuse."
                ),
                _(
                    "The names, organisations and, when given, e-mail addresses of sparrers, "
                    "of follow-up owners and of people asked to confirm a follow-up."
                ),
            )
        ),
        "# " + _("Why it is stored"),
        _(
            "To write up the results of workshops and sprints, to show by role and organisation "
            "who reported a critical point, and to follow up what was agreed."
        ),
        "# " + _("Who sees it"),
        _(
            "Members of the workspace. Others in a workshop see your name next to what you add. "
            "Shared summaries and PDF files show role and organisation, and a name only with the "
            "person's consent."
        ),
        "# " + _("How long it is kept"),
        ngettext(
            "Workshop participants' names are removed automatically %(num)d day after the "
            "workshop ended; what they wrote and their dots stay, shown by role and organisation.",
            "Workshop participants' names are removed automatically %(num)d days after the "
            "workshop ended; what they wrote and their dots stay, shown by role and organisation.",
            days,
        ),
        _(
            "Other data is kept while the workspace is in use, or until the person asks for it "
            "to be erased."
        ),
        "# " + _("Your rights"),
        _(
            "You may ask to see the data about you, to have it corrected or erased, and to get it "
            "as a file. Ask the facilitators named above; an administrator of this Polku service "
            "exports or erases it."
        ),
        _(
            "If you think your data is handled against data protection law, you may complain to "
            "the Data Protection Ombudsman (tietosuoja.fi)."
        ),
    ]
    return "\n\n".join(parts)
