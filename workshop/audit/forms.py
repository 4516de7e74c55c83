"""The audit log's filter: a GET form whose bad values are named, never a server error."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError

from workshop.accounts.models import Workspace
from workshop.audit import log
from workshop.audit.labels import ACTION_LABELS, object_label
from workshop.audit.models import Action
from workshop.extensions import db


def _offered(field, _form=None):
    """The value is one of the choices (a typed address may say anything)."""
    if field.data not in {str(value) for value, _label in field.choices}:
        raise ValidationError(_l("Choose one of the values offered."))


def _a_date(field, _form=None):
    """The value is empty or a date as YYYY-MM-DD."""
    if field.data:
        try:
            date.fromisoformat(field.data)
        except ValueError:
            raise ValidationError(_l("Give a date as YYYY-MM-DD, e.g. 2026-12-07.")) from None


class LogFilterForm(FlaskForm):
    """Which events the log shows."""

    class Meta:
        csrf = False

    workspace = SelectField(_l("Workspace"), validate_choice=False, default="")
    action = SelectField(_l("Action"), validate_choice=False, default="")
    object_type = SelectField(_l("What"), validate_choice=False, default="")
    since = StringField(_l("First day"), description=_l("YYYY-MM-DD"))
    until = StringField(_l("Last day"), description=_l("YYYY-MM-DD"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        workspaces = db.session.execute(
            select(Workspace.id, Workspace.name).order_by(Workspace.name)
        )
        self.workspace.choices = [("", _l("Every workspace"))] + [
            (str(row.id), row.name) for row in workspaces
        ]
        self.action.choices = [("", _l("Any action"))] + [
            (action.value, label) for action, label in ACTION_LABELS.items()
        ]
        types = sorted(log.object_types(), key=object_label)
        self.object_type.choices = [("", _l("Anything"))] + [(t, object_label(t)) for t in types]

    def validate_workspace(self, field):
        _offered(field)

    def validate_action(self, field):
        _offered(field)

    def validate_object_type(self, field):
        _offered(field)

    def validate_since(self, field):
        _a_date(field)

    def validate_until(self, field):
        _a_date(field)
        after = field.data and self.since.data and not self.since.errors
        if after and date.fromisoformat(field.data) < date.fromisoformat(self.since.data):
            raise ValidationError(_l("The end date is before the start date."))

    def log_filter(self) -> log.LogFilter:
        """What the valid fields ask for; a field with an error filters nothing."""

        def valid(field):
            return field.data if field.data and not field.errors else None

        workspace, action = valid(self.workspace), valid(self.action)
        since, until = valid(self.since), valid(self.until)
        return log.LogFilter(
            workspace_id=int(workspace) if workspace else None,
            action=Action(action) if action else None,
            object_type=valid(self.object_type),
            since=date.fromisoformat(since) if since else None,
            until=date.fromisoformat(until) if until else None,
        )
