"""The journey templates this app offers, read from the configured folder."""

from flask import current_app
from flask_babel import lazy_gettext as _l

from workshop.journey_templates.loader import JourneyTemplate, TemplateSet, load_directory

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

_reported: set = set()


def template_set() -> TemplateSet:
    """All templates that loaded; problems with the others are logged once each."""
    loaded = load_directory(current_app.config["JOURNEYS_DIR"])
    for problem in loaded.problems:
        if problem not in _reported:
            _reported.add(problem)
            current_app.logger.error("journey template left out: %s", problem)
    return loaded


def list_templates() -> list[JourneyTemplate]:
    """The usable templates, in file-name order."""
    return list(template_set().templates.values())


def get_template(template_id: str) -> JourneyTemplate | None:
    """One usable template by id."""
    return template_set().templates.get(template_id)
