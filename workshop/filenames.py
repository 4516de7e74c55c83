"""File names for downloads: readable slugs, and the Content-Disposition that carries them."""

import re
import unicodedata
from urllib.parse import quote


def slug(text: str, ascii_only: bool, limit: int = 60) -> str:
    """The text as part of a file name: letters and digits joined by hyphens, lower case."""
    if ascii_only:
        # "Työpaikkaohjaajan tuki" → "tyopaikkaohjaajan-tuki": accents dropped, not the letters.
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[\W_]+", "-", text.lower()).strip("-")[:limit].strip("-")


def attachment(plain: str, full: str) -> str:
    """Content-Disposition for a download: the ASCII name every client reads, and the UTF-8
    one (RFC 6266 `filename*`) for those that read it, when it differs."""
    header = f'attachment; filename="{plain}"'
    if full != plain:
        header += f"; filename*=UTF-8''{quote(full, safe='')}"
    return header
