"""The journey templates this app offers, read from the configured folder."""

from flask import current_app

from workshop.journey_templates.loader import JourneyTemplate, TemplateSet, load_directory

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
