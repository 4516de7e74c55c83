"""Ids as the databases hold them, read from text a visitor sent."""

# Ids and counters are signed 64-bit integers in every database Polku runs on; a number
# outside that range cannot name anything, and the database drivers refuse to send it.
MAX_ID = 2**63 - 1
MAX_ID_DIGITS = len(str(MAX_ID))


def parse_id(value) -> int | None:
    """A whole number of ASCII digits within the 64-bit range, or None for anything else.

    Not `str.isdigit()`: it also says yes to "²" and other digits `int()` cannot read.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_ID else None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    if len(value) > MAX_ID_DIGITS:
        return None
    number = int(value)
    return number if number <= MAX_ID else None
