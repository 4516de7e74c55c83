"""Fetch the pinned htmx and axe-core from the npm registry into static/vendor/ (not in git).

htmx is checked against the SRI hash the pages use, so a browser test proves the pin is right.
"""

import base64
import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workshop.config import AXE_CORE_VERSION, HTMX_SRI, HTMX_VERSION  # noqa: E402

VENDOR = ROOT / "static" / "vendor"
PACKAGES = [
    (f"htmx.org@{HTMX_VERSION}", "package/dist/htmx.min.js", "htmx.min.js"),
    (f"axe-core@{AXE_CORE_VERSION}", "package/axe.min.js", "axe.min.js"),
]


def sri(data: bytes) -> str:
    """The sha384 integrity value of a file's bytes."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def fetch(spec: str, member: str) -> bytes:
    """One file out of an npm package tarball."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            ["npm", "pack", spec, "--pack-destination", tmp, "--silent"],
            check=True,
            capture_output=True,
            timeout=180,
        )
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            return archive.extractfile(member).read()


def main() -> int:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for spec, member, name in PACKAGES:
        data = fetch(spec, member)
        if name == "htmx.min.js" and sri(data) != HTMX_SRI:
            print(
                f"{spec}: hash {sri(data)} differs from HTMX_SRI in workshop/config.py",
                file=sys.stderr,
            )
            return 1
        (VENDOR / name).write_bytes(data)
        print(f"fetched {spec} -> static/vendor/{name} ({len(data) // 1024} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
