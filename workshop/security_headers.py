"""Response headers that keep pages from being framed, sniffed or leaking their addresses."""

from urllib.parse import urlsplit

from flask import Flask, Response


def content_security_policy(htmx_url: str) -> str:
    """Only our own files run and load; htmx may come from its CDN when configured so."""
    script_sources = ["'self'"]
    parts = urlsplit(htmx_url)
    if parts.scheme and parts.netloc:
        script_sources.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {' '.join(script_sources)}",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def init_app(app: Flask) -> None:
    """Add the headers to every response."""
    policy = content_security_policy(app.config["HTMX_URL"])

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Invitation links carry their token in the path: never send it to other sites.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response
