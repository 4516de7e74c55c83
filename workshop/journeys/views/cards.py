"""The board's step cards, each rendered once for what it shows and then kept: after a change
only the cards that changed are rendered again, so a room reloading a 150-step board waits for
one card's render, not for 150."""

from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from markupsafe import Markup

from workshop.fragment_cache import fragment_cache

CARD_TEMPLATE = "journeys/_step_card.html"
# What the card template may read from the board's context besides the app's globals and
# context processors. The cache key covers each one (journey and workspace through the step's
# journey); tests/unit/test_card_cache.py fails when the template reads anything else.
CARD_INPUTS = frozenset(
    {"step", "journey", "workspace", "can_edit", "summaries", "suggestion_counts"}
)


def card_renderer():
    """`step_card(step)` for one board render: a step's card, from the cache
    when a card with the same content was rendered, in this request's language and token."""
    cache, locale, token = fragment_cache("cards"), str(get_locale()), generate_csrf()

    @pass_context
    def step_card(context, step) -> Markup:
        summary = context["summaries"].get(step.id)
        key = (
            *_shown(step),
            context["can_edit"],
            locale,
            (summary.count, summary.highest, summary.load) if summary else None,
            context["suggestion_counts"].get(step.id, 0),
        )

        def render() -> str:
            template = context.environment.get_template(CARD_TEMPLATE)
            return template.render(context.get_all() | {"step": step})

        return Markup(cache.get_or_render(key, token, "", render))

    return step_card


def _shown(step) -> tuple:
    """Everything of the step a card can show or act on, where it is included."""
    return (
        step.journey_id,
        step.id,
        step.version,
        step.title,
        step.description,
        step.channel,
        step.emotion_student,
        step.emotion_employer,
        step.stage_id,
        step.lane_id,
        step.position,
    )
