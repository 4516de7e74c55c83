"""Saving a workspace's privacy notice, and the name that stands where a removed one was."""

from flask import current_app

from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.models_base import utcnow
from workshop.personal_data import removed_name
from workshop.privacy.models import NoticeText
from workshop.privacy.notice import written


def placeholder(language: str | None = None) -> str:
    """What replaces a removed name, in the language asked or the page's own."""
    return removed_name(language)


def deployment_placeholder() -> str:
    """The placeholder in the deployment's default language, for work done without a page."""
    return placeholder(current_app.config["DEFAULT_LANGUAGE"])


def save_notice(workspace: Workspace, language: str, body: str, user: User) -> NoticeText:
    """Keep the facilitators' own notice in this language."""
    notice = written(workspace, language)
    if notice is None:
        notice = NoticeText(workspace_id=workspace.id, language=language, body=body)
        db.session.add(notice)
    notice.body = body
    notice.updated_at = utcnow()
    notice.updated_by_id = user.id
    db.session.flush()
    return notice


def reset_notice(workspace: Workspace, language: str) -> bool:
    """Go back to the default notice in this language; False if it was the default already."""
    notice = written(workspace, language)
    if notice is None:
        return False
    db.session.delete(notice)
    db.session.flush()
    return True
