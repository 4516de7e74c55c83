"""Translated names of a template file's channels, process kinds and the bases of its typical
critical points (the file's own keys); the template pages receive them from their views."""

from flask_babel import lazy_gettext as _l

CHANNEL_LABELS = {
    "face_to_face": _l("Face to face"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "online_service": _l("Online service"),
    "document": _l("Document"),
    "meeting": _l("Meeting"),
    "workplace_visit": _l("Workplace visit"),
    "video_call": _l("Video call"),
}
KIND_LABELS = {
    "apprenticeship": _l("Apprenticeship"),
    "training_agreement": _l("Training agreement"),
}
BASIS_LABELS = {
    "finding": _l("measured finding"),
    "org_position": _l("position of an interest organisation"),
    "survey_item": _l("item of the work-life feedback survey"),
    "project_goal": _l("development project goal"),
    "reform_aim": _l("aim of the 2018 reform"),
    "rule": _l("rule or guidance"),
    "inferred": _l("inferred from the rules"),
    "hypothesis": _l("practitioners' hypothesis"),
}
