"""The app as `make bench` serves it: the real app plus one trivial public route to measure the
framework floor against (a request that touches neither the database nor a template)."""

from workshop import create_app
from workshop.access import public


def create():
    """The Polku app with `/bench/hello` added."""
    app = create_app()

    @app.get("/bench/hello")
    @public
    def hello():
        return "hello"

    return app
