"""Rate limits shared by every app process: Flask-Limiter, counting in our own database by
default (`polku+db://`) or in Redis when POLKU_RATELIMIT_STORAGE_URI names one.

The counters are written on a connection and transaction of their own, so counting a refused
attempt is never rolled back with the request, and never commits the request's work.
"""

import time

from flask import Flask, g, request
from flask_limiter import Limiter
from limits.storage import Storage
from sqlalchemy import Float, Integer, String, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from workshop.extensions import db

STORAGE_URI = "polku+db://"


class RateCounter(db.Model):
    """One rate limit's count in its current window."""

    __tablename__ = "rate_counter"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    # Seconds since the epoch, as `limits` reckons windows.
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class DatabaseStorage(Storage):
    """A `limits` storage (fixed windows) in the rate_counter table of Polku's database."""

    STORAGE_SCHEME = ["polku+db"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        # The app's engine, given by init_app: the same database, connections of our own.
        # On SQLite their transactions start deferred: a counter written first thing takes
        # the write lock then (waiting for it), and a read never waits for one.
        self.engine = options["engine"].execution_options(polku_deferred=True)
        self.table = RateCounter.__table__

    @property
    def base_exceptions(self):
        return Exception

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count `amount` more in the key's window, opening a new window if it had expired."""
        t = self.table
        now = time.time()
        for _attempt in range(3):
            with self.engine.begin() as conn:
                # A write first, so SQLite's write lock is taken before anything is read.
                conn.execute(delete(t).where(t.c.key == key, t.c.expires_at <= now))
                changed = conn.execute(
                    update(t).where(t.c.key == key).values(count=t.c.count + amount)
                ).rowcount
                if not changed:
                    try:
                        with conn.begin_nested():
                            conn.execute(
                                insert(t).values(key=key, count=amount, expires_at=now + expiry)
                            )
                    except IntegrityError:
                        continue  # another process opened the window first: count in it
                return conn.execute(select(t.c.count).where(t.c.key == key)).scalar_one()
        raise RuntimeError(f"could not count {key}")

    def _row(self, key: str):
        t = self.table
        with self.engine.connect() as conn:
            return conn.execute(
                select(t.c.count, t.c.expires_at).where(
                    t.c.key == key, t.c.expires_at > time.time()
                )
            ).first()

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(select(1))
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(self.table)).rowcount

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.key == key))


def client_address() -> str:
    """The caller's address as the app sees it (behind a proxy, as its proxy settings say)."""
    return request.remote_addr or "unknown"


def _wrong(response) -> bool:
    """Only a code that names no room counts: a room joining at once is never refused."""
    return response.status_code == 404


def _typed_code() -> str:
    """The code tried, as letters and digits; a few more than a code has are enough to tell
    codes apart, and keep the counter's key short whatever was sent."""
    typed = (request.view_args or {}).get("code", "")[:40]
    return "".join(ch for ch in typed.upper() if ch.isalnum())[:10] or "-"


def _made(response) -> bool:
    """Only a request that made what is limited counts; the view says so in `g`."""
    return bool(g.get("ratelimit_made"))


def _refused_or_made(response) -> bool:
    """A follow-up link's post counts when it was refused as no link, or when it changed something."""
    return response.status_code == 404 or _made(response)


def _posted(response) -> bool:
    """Every sent form counts, whatever it answered."""
    return request.method == "POST"


def limits_of(app: Flask) -> list[tuple[str, str, object, object]]:
    """(endpoint, limit, whose, what counts): wrong join codes, per client address and per
    code tried; survey answers started, per client address."""
    return [
        ("live.join", app.config["JOIN_LIMIT_PER_ADDRESS"], client_address, _wrong),
        ("live.join", app.config["JOIN_LIMIT_PER_CODE"], _typed_code, _wrong),
        ("privacy.for_guests", app.config["JOIN_LIMIT_PER_ADDRESS"], client_address, _wrong),
        ("answer.start", app.config["SURVEY_START_LIMIT_PER_ADDRESS"], client_address, _made),
        ("answer.personal", app.config["SURVEY_START_LIMIT_PER_ADDRESS"], client_address, _made),
        (
            "accounts.forgot_password",
            app.config["RESET_MAIL_LIMIT_PER_ADDRESS"],
            client_address,
            _posted,
        ),
        *(
            (endpoint, app.config["FOLLOW_LINK_LIMIT_PER_ADDRESS"], client_address, counts)
            for endpoint, counts in (
                ("follow_link.page", _wrong),
                ("follow_link.comment", _refused_or_made),
                ("follow_link.status", _refused_or_made),
                ("follow_link.check_in", _refused_or_made),
            )
        ),
    ]


def init_app(app: Flask) -> None:
    """A limiter of this app's own (on its database unless another storage is configured),
    put on the views limits_of() names; call after the blueprints are registered."""
    app.config.setdefault("RATELIMIT_STORAGE_URI", STORAGE_URI)
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    if app.config["RATELIMIT_STORAGE_URI"] == STORAGE_URI:
        with app.app_context():
            engine = db.engine
        app.config["RATELIMIT_STORAGE_OPTIONS"] = {"engine": engine}
    limiter = Limiter(key_func=client_address)
    limiter.init_app(app)
    limits = limits_of(app)
    limited = {endpoint for endpoint, _limit, _whose, _counts in limits}

    @app.after_request
    def end_transaction_before_counting(response):
        """The limiter counts after this (after_request runs last-registered first). What a
        limited view did is committed by now; ending its transaction here lets go of
        SQLite's write lock, which the counter's own transaction would otherwise wait for."""
        if request.endpoint in limited:
            db.session.rollback()
        return response

    for endpoint, limit, whose, counts in limits:
        view = app.view_functions[endpoint]
        app.view_functions[endpoint] = limiter.limit(limit, key_func=whose, deduct_when=counts)(
            view
        )
    app.extensions["polku_limiter"] = limiter
