"""The journeys blueprint, with the names of kinds, channels, emotions and logged actions that
every template needs from it."""

from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.journeys.forms import CHANNEL_LABELS, EMOTION_LABELS, KIND_LABELS, LANE_KIND_LABELS

bp = Blueprint("journeys", __name__)


ACTIVITY_TEXTS = {
    "journey_created": _l("%(user)s created the journey “%(subject)s”"),
    "journey_edited": _l("%(user)s renamed the journey to “%(subject)s”"),
    "journey_duplicated": _l("%(user)s made this journey as a copy of “%(subject)s”"),
    "step_added": _l("%(user)s added the step “%(subject)s”"),
    "step_edited": _l("%(user)s edited the step “%(subject)s”"),
    "step_moved": _l("%(user)s moved the step “%(subject)s”"),
    "step_deleted": _l("%(user)s moved the step “%(subject)s” to the trash"),
    "step_restored": _l("%(user)s restored the step “%(subject)s”"),
    "trash_emptied": _l("%(user)s emptied the trash (steps deleted: %(subject)s)"),
    "stage_added": _l("%(user)s added the stage “%(subject)s”"),
    "stage_renamed": _l("%(user)s renamed a stage to “%(subject)s”"),
    "stage_moved": _l("%(user)s moved the stage “%(subject)s”"),
    "stage_deleted": _l("%(user)s deleted the stage “%(subject)s”"),
    "lane_added": _l("%(user)s added the lane “%(subject)s”"),
    "lane_renamed": _l("%(user)s renamed a lane to “%(subject)s”"),
    "lane_moved": _l("%(user)s moved the lane “%(subject)s”"),
    "lane_deleted": _l("%(user)s deleted the lane “%(subject)s”"),
    "journey_imported": _l("%(user)s imported the journey “%(subject)s”"),
    "journey_restored": _l("%(user)s restored the journey “%(subject)s” after it was deleted"),
    "point_reported": _l("%(user)s reported the critical point “%(subject)s”"),
    "report_added": _l("%(user)s added a report to “%(subject)s”"),
    "point_edited": _l("%(user)s edited the critical point “%(subject)s”"),
    "point_status": _l("%(user)s changed the status of “%(subject)s”"),
    "points_merged": _l("%(user)s merged another point into “%(subject)s”"),
    "point_voted": _l("%(user)s voted on “%(subject)s”"),
    "suggestion_confirmed": _l("%(user)s confirmed the suggestion “%(subject)s”"),
    "suggestion_dismissed": _l("%(user)s dismissed the suggestion “%(subject)s”"),
}


COMPARED_FIELD_LABELS = {
    "title": _l("Title"),
    "description": _l("Description"),
    "channel": _l("Channel"),
    "emotion_student": _l("How the student feels"),
    "emotion_employer": _l("How the employer feels"),
    "place": _l("Stage and lane"),
}


def activity_text(entry) -> str:
    """One line of the activity log in the reader's language."""
    user = entry.user.name if entry.user else _("Someone")
    text = ACTIVITY_TEXTS.get(entry.action)
    return text % {"user": user, "subject": entry.subject} if text else entry.action


@bp.app_context_processor
def journey_labels() -> dict:
    """Translated names of kinds, channels and emotions, for every template."""
    return {
        "activity_text": activity_text,
        "journey_kind_label": KIND_LABELS.__getitem__,
        "channel_label": lambda c: CHANNEL_LABELS[c] if c else "",
        "emotion_label": EMOTION_LABELS.get,
        "lane_kind_labels": LANE_KIND_LABELS,
    }
