"""CSV cells a spreadsheet program shows as typed and never runs as a formula."""

# Cells starting with these are formulas to a spreadsheet program.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Text for a CSV cell that a spreadsheet shows as typed and never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
