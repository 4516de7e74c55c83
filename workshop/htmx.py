"""The one place that decides whether a view answers with a whole page or a fragment."""

from flask import Flask, Response, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def wants_fragment() -> bool:
    """True for htmx requests that swap part of a page (not boosted, not history restores)."""
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render_page(
    template_name: str, block: str | None = None, status: int = 200, **context
) -> Response:
    """Render the block alone for htmx, the whole page otherwise."""
    if block and wants_fragment():
        body = render_block(template_name, block, **context)
    else:
        body = render_template(template_name, **context)
    return make_response(body, status)


def redirect_page(location: str) -> Response:
    """Go to another page: a 303 for browsers, a full-page load for htmx (not a swap)."""
    if request.headers.get("HX-Request") == "true":
        response = make_response("", 204)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, code=303)


FORM_MACROS = ("checkbox_list", "csrf_field", "field", "form_errors", "radio_group")


def init_app(app: Flask) -> None:
    """Make the form macros global and mark every response as varying on HX-Request."""
    # A block rendered alone skips its template's top-level imports, so fragments could not
    # use the form macros if pages imported them; as globals they work in both.
    with app.app_context():
        macros = app.jinja_env.get_template("macros/forms.html").module
    app.jinja_env.globals.update({name: getattr(macros, name) for name in FORM_MACROS})

    @app.after_request
    def vary_on_htmx(response: Response) -> Response:
        response.vary.add("HX-Request")
        return response
