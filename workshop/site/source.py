"""The source code this Polku runs, as one archive it serves itself: AGPL-3.0 §13 is met even
where the administrators give no address of their own (POLKU_SOURCE_URL)."""

import functools
import io
import tarfile
from pathlib import Path

# What makes up the source: these folders with files of these kinds, and these files at the
# root. Named, never "everything but": instance/ (the secret key, the database), virtual
# environments and whatever else lies beside the code must never leave the server.
TREES = {
    "workshop": (".py",),
    "templates": (".html",),
    "static": (".css", ".js", ".svg"),
    "migrations": (".py", ".mako", ".ini", ""),
    "journeys": (".toml",),
    "translations": (".po", ".pot"),
    "scripts": (".py", ".sh"),
    "docs": (".md",),
}
ROOT_FILES = (
    "LICENSE",
    "README.md",
    "pyproject.toml",
    "constraints.txt",
    "Makefile",
    "babel.cfg",
    "gunicorn.conf.py",
)
# static/vendor/ holds third-party copies fetched at set-up (htmx, axe-core), not our source.
SKIPPED_FOLDERS = {"vendor", "__pycache__"}
FOLDER_NAME = "polku"


def source_files(root: Path) -> list[Path]:
    """The files of the source under `root`, in a stable order."""
    found = [root / name for name in ROOT_FILES if (root / name).is_file()]
    for tree, suffixes in TREES.items():
        for path in sorted((root / tree).rglob("*")):
            parts = set(path.relative_to(root).parts)
            if (
                path.is_file()
                and not path.is_symlink()
                and path.suffix in suffixes
                and not parts & SKIPPED_FOLDERS
            ):
                found.append(path)
    return found


def _anonymous(info: tarfile.TarInfo) -> tarfile.TarInfo:
    """No server account names or ids in the archive."""
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


@functools.cache
def source_archive(root: Path) -> bytes:
    """A .tar.gz of the source, made once per process (the code does not change while it runs)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in source_files(root):
            name = f"{FOLDER_NAME}/{path.relative_to(root).as_posix()}"
            archive.add(path, arcname=name, recursive=False, filter=_anonymous)
    return buffer.getvalue()
