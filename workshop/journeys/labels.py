"""Translated names of journey kinds, lanes, channels, emotions, activity lines and compared
fields; templates get them through `for_templates` (registered in workshop/templating.py)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.journeys.models import Channel, JourneyKind, LaneKind

KIND_LABELS = {
    JourneyKind.APPRENTICESHIP: _l("Apprenticeship"),
    JourneyKind.TRAINING_AGREEMENT: _l("Training agreement"),
    JourneyKind.CUSTOM: _l("Other process"),
}
LANE_KIND_LABELS = {
    LaneKind.FRONTSTAGE: _l("Frontstage: an actor"),
    LaneKind.BACKSTAGE: _l("Backstage: work the actors do not see"),
}
CHANNEL_LABELS = {
    Channel.FACE_TO_FACE: _l("Face to face"),
    Channel.PHONE: _l("Phone"),
    Channel.EMAIL: _l("E-mail"),
    Channel.ONLINE_SERVICE: _l("Online service"),
    Channel.DOCUMENT: _l("Document"),
    Channel.MEETING: _l("Meeting"),
    Channel.WORKPLACE_VISIT: _l("Workplace visit"),
    Channel.VIDEO_CALL: _l("Video call"),
}
EMOTION_LABELS = {
    -2: _l("−2 very negative"),
    -1: _l("−1 negative"),
    0: _l("0 neutral"),
    1: _l("+1 positive"),
    2: _l("+2 very positive"),
}


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


def for_templates() -> dict:
    """The names every template may call."""
    return {
        "activity_text": activity_text,
        "journey_kind_label": KIND_LABELS.__getitem__,
        "channel_label": lambda c: CHANNEL_LABELS[c] if c else "",
        "emotion_label": EMOTION_LABELS.get,
        "lane_kind_labels": LANE_KIND_LABELS,
    }
