"""Blocks that htmx gets alone must not lean on what only the whole page defines."""

import re
from pathlib import Path

from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent.parent

# A block named in render_page(block=…) or render_block(…, "…") is rendered on its own.
FRAGMENT_CALL = re.compile(r"""block\s*=\s*"(\w+)"|render_block\(\s*[^,]+,\s*"(\w+)\"""")


def fragment_blocks() -> set[str]:
    names = set()
    for source in (ROOT / "workshop").rglob("*.py"):
        for match in FRAGMENT_CALL.finditer(source.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def top_level_names(template: nodes.Template) -> set[str]:
    """Macros, variables and imports a template defines outside its blocks."""
    names = set()
    for node in template.body:
        if isinstance(node, nodes.Macro):
            names.add(node.name)
        elif isinstance(node, nodes.Assign):
            names |= {name.name for name in node.target.find_all(nodes.Name)}
        elif isinstance(node, nodes.FromImport):
            names |= {n if isinstance(n, str) else n[1] for n in node.names}
        elif isinstance(node, nodes.Import):
            names.add(node.target)
    return names


def test_the_scan_finds_the_fragments_views_render():
    assert {"board", "structure", "step_form", "member_list"} <= fragment_blocks()


def test_fragment_blocks_use_nothing_defined_outside_them():
    env = Environment(extensions=["jinja2.ext.do", "jinja2.ext.i18n"])
    fragments = fragment_blocks()
    problems = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        template = env.parse(path.read_text())
        outside = top_level_names(template)
        for block in template.find_all(nodes.Block):
            if block.name not in fragments:
                continue
            used = {n.name for n in block.find_all(nodes.Name) if n.ctx == "load"}
            if used & outside:
                problems.append(f"{path.relative_to(ROOT)} {block.name}: {sorted(used & outside)}")
    assert problems == []
