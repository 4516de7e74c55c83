"""Web addresses as people read them: shown decoded (ä, not %C3%A4; the host's own letters, not
xn--), while the link itself keeps the address exactly as it was given."""

import re
import unicodedata
from urllib.parse import unquote_to_bytes, urlsplit

from markupsafe import Markup, escape

_ESCAPES = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
# An address in running text: up to the first space, without trailing punctuation.
_ADDRESS = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}”’]")


def _shown(char: str) -> bool:
    """Whether a decoded character may be shown as itself (RFC 3987, 3.2: not ASCII, which
    keeps its escape, nor a control, format or separator character such as a bidi mark)."""
    return ord(char) >= 0x80 and unicodedata.category(char)[0] not in "CZ"


def _decode_run(match: re.Match) -> str:
    run = match.group(0)
    try:
        text = unquote_to_bytes(run).decode("utf-8")
    except UnicodeDecodeError:
        return run
    return "".join(c if _shown(c) else "".join(f"%{b:02X}" for b in c.encode()) for c in text)


def _host(host: str) -> str:
    labels = []
    for label in host.split("."):
        try:
            labels.append(
                label.encode("ascii").decode("idna") if label.startswith("xn--") else label
            )
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def readable_url(url: str) -> str:
    """The address to show: percent-escapes of letters decoded, the host in its own letters."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    text = _ESCAPES.sub(_decode_run, url)
    if parts.hostname and "xn--" in parts.hostname:
        text = text.replace(parts.hostname, _host(parts.hostname), 1)
    return text


def linked(text: str) -> Markup:
    """Text with the web addresses in it as links, each shown in its readable form."""
    out, last = [], 0
    for match in _ADDRESS.finditer(text or ""):
        address = match.group(0)
        out.append(escape(text[last : match.start()]))
        out.append(
            Markup('<a href="{}" rel="noopener noreferrer" class="address">{}</a>').format(
                address, readable_url(address)
            )
        )
        last = match.end()
    out.append(escape((text or "")[last:]))
    return Markup("").join(out)
