"""Responses compressed for browsers that accept it (Flask-Compress; settings in config.py)."""

from flask import Flask, Response

from workshop.extensions import compress


def init_app(app: Flask) -> None:
    """Compress after every other after_request has run (handlers run last-registered first)."""
    compress.init_app(app)

    @app.after_request
    def close_what_compression_streams(response: Response) -> Response:
        # A streamed body (a static file) is read through a compressing generator that takes
        # its place; the file itself must still be closed when the response is.
        if response.is_streamed and hasattr(response.response, "close"):
            response.call_on_close(response.response.close)
        return response
