"""Checks shared by the data files Polku ships (journey templates, the competence item bank):
each failure names the field, so an author can find it."""

from dataclasses import dataclass

LANGUAGES = ("fi", "sv", "en")


@dataclass(frozen=True)
class Text:
    """The same text in Finnish, Swedish and English."""

    fi: str
    sv: str
    en: str

    def get(self, language: str) -> str:
        """The text in this language, Finnish if the language is unknown."""
        return getattr(self, language, self.fi) if language in LANGUAGES else self.fi


class Invalid(Exception):
    """A field of a data file that is wrong: its path and what is wrong with it."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        self.field, self.message = field, message


def table(data, field: str, keys: set[str], required: set[str]) -> dict:
    """A table with only known keys and every required one."""
    if not isinstance(data, dict):
        raise Invalid(field, "must be a table")
    unknown = sorted(set(data) - keys)
    if unknown:
        raise Invalid(f"{field}.{unknown[0]}" if field else unknown[0], "unknown key")
    for key in sorted(required):
        if key not in data:
            raise Invalid(f"{field}.{key}" if field else key, "is missing")
    return data


def string(data, field: str, limit: int) -> str:
    """A non-empty string within the limit, stripped."""
    if not isinstance(data, str) or not data.strip():
        raise Invalid(field, "must be a non-empty string")
    if len(data) > limit:
        raise Invalid(field, f"is longer than {limit} characters")
    return data.strip()


def text(data, field: str, limit: int) -> Text:
    """A table holding the same text in fi, sv and en."""
    languages = table(data, field, set(LANGUAGES), set(LANGUAGES))
    return Text(**{lang: string(languages[lang], f"{field}.{lang}", limit) for lang in LANGUAGES})


def choice(data, field: str, allowed: tuple[str, ...]) -> str:
    """One of the allowed values."""
    if data not in allowed:
        raise Invalid(field, f"must be one of: {', '.join(allowed)}")
    return data


def array(data, field: str) -> list:
    """A non-empty array."""
    if not isinstance(data, list) or not data:
        raise Invalid(field, "must be a non-empty array of tables")
    return data
