"""Views stay short enough to read: no view function past 30 lines, no views module past 500.

A function's lines run from its `def` to its last line (decorators and nested functions
included in the one they belong to); a module's are all its lines."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
MAX_FUNCTION_LINES = 30
MAX_MODULE_LINES = 500


def view_modules() -> list[Path]:
    """Every `views.py`, `views_*.py` and module of a `views/` package under workshop/."""
    workshop = ROOT / "workshop"
    found = set(workshop.rglob("views*.py"))
    for package in workshop.rglob("views"):
        if package.is_dir():
            found |= set(package.rglob("*.py"))
    return sorted(found)


def long_functions(source: str, limit: int) -> list[tuple[str, int]]:
    """(name, lines) of the module-level functions longer than `limit` lines."""
    found = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > limit:
                found.append((node.name, lines))
    return found


def test_the_scan_finds_the_views():
    names = {path.relative_to(ROOT / "workshop").parts[0] for path in view_modules()}
    assert {"accounts", "journeys", "critical_points", "sprints", "live"} <= names


def test_the_check_names_a_long_function():
    body = "\n".join(f"    x{n} = {n}" for n in range(MAX_FUNCTION_LINES))
    source = f"def short():\n    pass\n\n\ndef too_long():\n{body}\n"
    assert long_functions(source, MAX_FUNCTION_LINES) == [("too_long", MAX_FUNCTION_LINES + 1)]


def test_no_view_function_is_longer_than_30_lines():
    problems = [
        f"{path.relative_to(ROOT)}: {name} has {lines} lines"
        for path in view_modules()
        for name, lines in long_functions(path.read_text(), MAX_FUNCTION_LINES)
    ]
    # Move queries and rules into services, form-to-value glue into small named helpers.
    assert not problems, "\n".join(problems)


def test_no_views_module_is_longer_than_500_lines():
    problems = [
        f"{path.relative_to(ROOT)} has {count} lines"
        for path in view_modules()
        if (count := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    # Split the module by concern into a views/ package, as live/views/ is.
    assert not problems, "\n".join(problems)
