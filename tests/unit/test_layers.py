"""The domain packages form layers that only point down, so none of them can pull a higher one in.

Low to high: accounts → audit → journey_templates → journeys → critical_points → competence → export →
sprints → live → main. A module imports its own package, lower ones and the shared modules in
`workshop/*.py`; those import no domain package, except `access.py`, which belongs to accounts.
`workshop/__init__.py` (create_app), `cli.py`, `demo.py` and `templating.py` (what every
template can call) wire everything together and may import anything. What a lower layer needs
from a higher one is handed down in create_app.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "workshop"

ORDER = (
    "accounts",
    "audit",
    "journey_templates",
    "journeys",
    "critical_points",
    "competence",
    "export",
    "sprints",
    "live",
    "followup",
    "sparring",
    "privacy",
    "main",
)
WIRING = "wiring"
WIRING_MODULES = {"__init__", "cli", "demo", "templating"}
SHARED = "shared"
# Shared modules that stand in a domain's layer.
SHARED_IN_LAYER = {"access": "accounts"}


@dataclass(frozen=True)
class Import:
    file: str
    line: int
    module: str


def _unit(parts: list[str]) -> str | None:
    """The layer unit of a module path below workshop/: a domain, `shared` or `wiring`."""
    if not parts or parts[0] in WIRING_MODULES:
        return WIRING
    if parts[0] in ORDER:
        return parts[0]
    if (PACKAGE / f"{parts[0]}.py").is_file():
        return SHARED_IN_LAYER.get(parts[0], SHARED)
    return None


def _is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every workshop module this file imports, at module level and inside functions."""
    package = list(path.relative_to(PACKAGE.parent).parent.parts)
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                # `from workshop import live` imports a package, not a name of workshop/__init__.py.
                name = f"{module}.{alias.name}"
                found.append((node.lineno, name if _is_module(name) else module))
    return sorted({(line, m) for line, m in found if m.split(".")[0] == "workshop"})


def _allowed(unit: str, target: str) -> bool:
    if target == unit:
        return True
    if target == WIRING or unit == SHARED:
        return False
    return target == SHARED or ORDER.index(target) <= ORDER.index(unit)


def violations() -> list[Import]:
    """Every import in workshop/ that runs against the layer order."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        unit = _unit(list(rel.with_suffix("").parts))
        if unit in (WIRING, None):
            continue
        for line, module in _imports(path):
            target = _unit(module.split(".")[1:])
            if target is not None and not _allowed(unit, target):
                found.append(Import(rel.as_posix(), line, module))
    return found


def test_imports_follow_the_layer_order():
    found = violations()
    assert not found, f"imports against the layer order {' → '.join(ORDER)}:\n" + "\n".join(
        f"  workshop/{v.file}:{v.line} imports {v.module}" for v in found
    )


def test_every_package_has_a_place_in_the_order():
    """A new domain package must be placed in ORDER, or its imports would go unchecked."""
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert packages <= set(ORDER), packages - set(ORDER)


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """An empty workshop/ package with every layer, for the checker to read."""
    root = tmp_path / "workshop"
    for unit in ORDER:
        (root / unit).mkdir(parents=True)
        (root / unit / "__init__.py").write_text("")
    for name in ("__init__", "access", "htmx", "demo", "extensions"):
        (root / f"{name}.py").write_text("")
    monkeypatch.setattr(f"{__name__}.PACKAGE", root)
    return root


@pytest.mark.parametrize(
    ("file", "source", "expected"),
    [
        ("journeys/x.py", "from workshop.critical_points import x", "workshop.critical_points"),
        ("journeys/x.py", "def f():\n    from workshop.live.y import z", "workshop.live.y"),
        ("accounts/x.py", "from ..journeys.models import Journey", "workshop.journeys.models"),
        ("accounts/x.py", "from .. import sprints", "workshop.sprints"),
        ("htmx.py", "import workshop.sprints.models", "workshop.sprints.models"),
        ("htmx.py", "from workshop.access import public", "workshop.access"),
        ("sprints/x.py", "from workshop import demo", "workshop.demo"),
        ("sprints/x.py", "from workshop import create_app", "workshop"),
        ("export/x.py", "from workshop.main import y", "workshop.main"),
    ],
)
def test_an_upward_import_is_named(tree, file, source, expected):
    (tree / file).write_text(source + "\n")
    assert [(v.file, v.line, v.module) for v in violations()] == [
        (file, source.count("\n") + 1, expected)
    ]


@pytest.mark.parametrize(
    ("file", "source"),
    [
        ("live/x.py", "from workshop.sprints import y\nfrom workshop.journeys.models import Step"),
        ("sprints/x.py", "from workshop import htmx\nfrom workshop.access import public"),
        ("journeys/x.py", "from . import services\nfrom .models import Journey"),
        ("demo.py", "from workshop.live import services"),
        ("__init__.py", "from workshop.main import x"),
        ("access.py", "from workshop.accounts.models import Role"),
        ("htmx.py", "from workshop import extensions"),
        ("live/x.py", "import flask\nfrom sqlalchemy import select"),
    ],
)
def test_a_downward_import_passes(tree, file, source):
    (tree / file).write_text(source + "\n")
    assert violations() == []
