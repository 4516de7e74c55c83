"""The board's step cards are kept by what they show: the key must cover all the card reads."""

from jinja2 import meta

from workshop.journeys.views.cards import CARD_INPUTS, CARD_TEMPLATE


def test_the_card_template_reads_nothing_its_cache_key_leaves_out(app):
    env = app.jinja_env
    source = env.loader.get_source(env, CARD_TEMPLATE)[0]
    read = meta.find_undeclared_variables(env.parse(source))
    with app.test_request_context("/"):
        context: dict = {}
        app.update_template_context(context)
    provided = set(env.globals) | set(context)
    assert read - provided - CARD_INPUTS == set()
