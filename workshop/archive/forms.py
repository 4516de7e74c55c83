"""Forms for moving a workspace: the export's one choice and the archive to import."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField

from workshop.accounts.forms import REQUIRED


class ExportForm(FlaskForm):
    """Whether the archive keeps people's names and e-mail addresses."""

    remove_names = BooleanField(
        _l("Remove names"),
        description=_l(
            "People become “Person 1”, “Person 2”… and e-mail addresses are left out, "
            "for sharing the work with another institution."
        ),
    )


class ImportForm(FlaskForm):
    """A workspace archive exported from Polku."""

    # The size needs no validator: MAX_CONTENT_LENGTH refuses large uploads with 413.
    file = FileField(
        _l("Workspace archive"),
        description=_l("A .zip file exported from Polku."),
        validators=[
            FileRequired(REQUIRED),
            FileAllowed(["zip"], _l("Choose a .zip file exported from Polku.")),
        ],
        render_kw={"accept": ".zip,application/zip"},
    )
