"""Settings: defaults here, then the environment and the instance folder, then test overrides."""

import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask

from workshop.addresses import check_public_url

HTMX_VERSION = "2.0.11"
# sha384 of dist/htmx.min.js in the npm package; the CDN serves the same bytes.
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"
HTMX_CDN_URL = f"https://unpkg.com/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
AXE_CORE_VERSION = "4.14.1"
# The Nu HTML Checker (vnu.jar) the tests validate every page with.
VNU_VERSION = "26.9.27"

LANGUAGES = ("fi", "sv", "en")
SECRET_KEY_FILE = "secret_key"


class ConfigError(RuntimeError):
    """The app cannot start with the settings it was given."""


def defaults(instance_path: str) -> dict:
    """Settings used unless the environment or a test says otherwise."""
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(instance_path) / 'polku.sqlite'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "HTMX_URL": HTMX_CDN_URL,
        "HTMX_SRI": HTMX_SRI,
        "DEFAULT_LANGUAGE": "fi",
        "LOG_LEVEL": "INFO",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Helsinki",
        "LANGUAGES": LANGUAGES,
        # Request bodies above this are refused with 413 before any view runs.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAX_FORM_MEMORY_SIZE": 512 * 1024,
        # A workshop day is long: tokens must outlive it (issue: live workshop).
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "WTF_CSRF_SSL_STRICT": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "INVITATION_DAYS": 7,
        "LOGIN_MAX_FAILURES": 5,
        # How passwords are hashed (werkzeug's method string); scrypt takes about 0.1 s a hash
        # on purpose. The test suite sets a cheap one: it makes thousands of accounts.
        "PASSWORD_HASH_METHOD": "scrypt",
        "LOGIN_LOCKOUT_MINUTES": 15,
        # PDF summaries: refused above this many steps; a render is stopped after PDF_TIMEOUT
        # seconds; each app process makes at most PDF_CONCURRENCY at once (each in its own
        # child process); tagged for screen readers (PDF/UA-1).
        "PDF_MAX_STEPS": 1000,
        "PDF_TIMEOUT": 60,
        "PDF_CONCURRENCY": 2,
        "PDF_TAGGED": True,
        # The address space a render may use, in MiB (0: no cap); 1,000 steps need about 200.
        "PDF_MEMORY_MIB": 2048,
        # A render worker waits this many seconds for the next PDF before it ends.
        "PDF_WORKER_IDLE": 300,
        # The PDFs of the latest HTML are kept up to this many MiB per process (0: none), so a
        # share link opened by every partner renders once.
        "PDF_CACHE_MIB": 32,
        # A live session's join code works this many hours after the start, at most.
        "LIVE_SESSION_HOURS": 12,
        # The address phones join at, e.g. https://polku.example.fi; unset, the join address
        # is the one the request came to, or this machine's network address (addresses.py).
        "PUBLIC_URL": None,
        # Wrong join codes one address may try (a whole room can sit behind one school's
        # address and mistype), and one wrong code may be tried from anywhere.
        "JOIN_LIMIT_PER_ADDRESS": "30 per minute;300 per hour",
        "JOIN_LIMIT_PER_CODE": "10 per minute",
        # A whole staff room may answer from one address: enough for them, not for a flood.
        "SURVEY_START_LIMIT_PER_ADDRESS": "60 per minute;600 per hour",
        # Follow-up links: wrong tokens and posts per address.
        "FOLLOW_LINK_LIMIT_PER_ADDRESS": "30 per minute;300 per hour",
        "JOURNEYS_DIR": str(Path(__file__).resolve().parent.parent / "journeys"),
        "SURVEY_BANK_DIR": str(Path(__file__).resolve().parent.parent / "journeys" / "competence"),
        # Text is sent compressed to browsers that accept it (Flask-Compress): pages, their
        # fragments, CSS, JavaScript, JSON, CSV and SVG; PDFs and images are compressed already.
        # COMPRESS_REGISTER=false leaves it to a reverse proxy.
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/javascript",
            "application/javascript",
            "application/json",
            "text/csv",
            "text/plain",
            "image/svg+xml",
        ],
        "COMPRESS_ALGORITHM": ["zstd", "br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["zstd", "br", "gzip"],
        # The repository this Polku's source code is offered from (AGPL-3.0 §13), linked on
        # the About page beside the archive of the running code it always serves itself.
        "SOURCE_URL": None,
        # E-mail (reminders, "you said, we did"): nothing is sent while MAIL_SERVER is unset.
        "MAIL_SERVER": None,
        "MAIL_PORT": 25,
        "MAIL_FROM": None,
        "MAIL_USERNAME": None,
        "MAIL_PASSWORD": None,
        "MAIL_STARTTLS": False,
        # Institution sign-in (OpenID Connect): off while OIDC_DISCOVERY_URL or
        # OIDC_CLIENT_ID is unset. POLKU_OIDC_* in the environment sets each one.
        "OIDC_DISCOVERY_URL": None,
        "OIDC_CLIENT_ID": None,
        "OIDC_CLIENT_SECRET": None,
        "OIDC_LABEL": "",
        "OIDC_SCOPES": "openid email profile",
        # Sign in an e-mail the provider does not mark verified (Microsoft Entra ID leaves
        # email_verified out): only for a provider whose e-mails the institution controls.
        "OIDC_TRUST_EMAIL": False,
        "OIDC_TIMEOUT": 10,
        # Password reset links work this many hours; "Forgot your password?" asks per address.
        "RESET_LINK_HOURS": 24,
        "RESET_MAIL_LIMIT_PER_ADDRESS": "5 per 15 minutes;20 per day",
        # The audit log keeps events this many days (`flask audit prune` removes older ones).
        "AUDIT_DAYS": 730,
        # Guests' names are removed this many days after their live session ended
        # (`flask --app workshop privacy retention`, run daily; POLKU_GUEST_NAME_DAYS).
        "GUEST_NAME_DAYS": 90,
    }


def database_url_from_env() -> str | None:
    """DATABASE_URL as SQLAlchemy wants it: plain postgres:// URLs get the psycopg 3 driver."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load(app: Flask, test_config: dict | None) -> None:
    """Fill app.config in flaskr's order and insist on a real secret key."""
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        url = database_url_from_env()
        if url:
            app.config["SQLALCHEMY_DATABASE_URI"] = url
        if os.environ.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        _read_mail_env(app)
        # POLKU_HTMX_URL, POLKU_DEFAULT_LANGUAGE, POLKU_SESSION_COOKIE_SECURE, … set any key.
        app.config.from_prefixed_env("POLKU")
        if not app.config.get("SECRET_KEY"):
            app.config["SECRET_KEY"] = _read_instance_secret(app.instance_path)
    else:
        app.config.update(test_config)
    if app.config["DEFAULT_LANGUAGE"] not in app.config["LANGUAGES"]:
        raise ConfigError(f"DEFAULT_LANGUAGE must be one of {', '.join(app.config['LANGUAGES'])}")
    days = app.config["GUEST_NAME_DAYS"]
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ConfigError("GUEST_NAME_DAYS must be a whole number of days, at least 1")
    problem = check_public_url(app.config.get("PUBLIC_URL"))
    if problem:
        raise ConfigError(problem)
    try:
        ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])
    except (ValueError, ZoneInfoNotFoundError) as error:
        raise ConfigError(
            "BABEL_DEFAULT_TIMEZONE must be a time zone, e.g. Europe/Helsinki"
        ) from error
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)


def _read_mail_env(app: Flask) -> None:
    """MAIL_SERVER, MAIL_PORT, MAIL_FROM, MAIL_USERNAME, MAIL_PASSWORD, MAIL_STARTTLS."""
    for key in ("MAIL_SERVER", "MAIL_FROM", "MAIL_USERNAME", "MAIL_PASSWORD"):
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("MAIL_PORT", "").isdigit():
        app.config["MAIL_PORT"] = int(os.environ["MAIL_PORT"])
    if os.environ.get("MAIL_STARTTLS"):
        app.config["MAIL_STARTTLS"] = os.environ["MAIL_STARTTLS"].lower() in ("1", "true", "yes")


def _read_instance_secret(instance_path: str) -> str:
    """The secret key `make install` wrote into the instance folder, or a clear refusal."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.is_file() and path.read_text().strip():
        return path.read_text().strip()
    raise ConfigError(
        "No secret key: set SECRET_KEY in the environment, or run `make install`, "
        f"which writes a random one to {path}."
    )
