"""Fetch the pinned htmx and axe-core from the npm registry into static/vendor/ (not in git),
and the Nu HTML Checker the tests run into .checkers/ (not served, not in git).

    python scripts/fetch_vendor.py [htmx] [axe] [vnu] [--optional]

htmx is checked against the SRI hash the pages use, so a browser test proves the pin is right;
a copy that already matches it is kept without asking the registry. The pages load htmx from
its CDN and fall back to this copy when the CDN is out of reach (static/js/htmx-fallback.js).
With --optional (as `make install` runs it) a missing npm or registry is a warning, not an
error: the app works without the copy wherever the CDN can be reached.
"""

import argparse
import base64
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workshop.config import AXE_CORE_VERSION, HTMX_SRI, HTMX_VERSION, VNU_VERSION  # noqa: E402

VENDOR = ROOT / "static" / "vendor"
CHECKERS = ROOT / ".checkers"
# name: (npm package, file in its tarball, folder, file name there, the SRI hash it must have)
PACKAGES = {
    "htmx": (
        f"htmx.org@{HTMX_VERSION}",
        "package/dist/htmx.min.js",
        "VENDOR",
        "htmx.min.js",
        HTMX_SRI,
    ),
    "axe": (f"axe-core@{AXE_CORE_VERSION}", "package/axe.min.js", "VENDOR", "axe.min.js", None),
    # The checker's own release (the validator project publishes vnu.jar to npm as vnu-jar);
    # its file name carries the version, so a copy there is the pinned one.
    "vnu": (
        f"vnu-jar@{VNU_VERSION}",
        "package/build/dist/vnu.jar",
        "CHECKERS",
        f"vnu-{VNU_VERSION}.jar",
        None,
    ),
}


class FetchError(RuntimeError):
    """A package could not be fetched or is not the pinned one."""


def sri(data: bytes) -> str:
    """The sha384 integrity value of a file's bytes."""
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def fetch(spec: str, member: str) -> bytes:
    """One file out of an npm package tarball."""
    npm = shutil.which("npm")
    if npm is None:
        raise FetchError("npm is not installed (Debian/Ubuntu: apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        # No retries: offline, a room's laptop should hear so in seconds, not minutes.
        command = [npm, "pack", spec, "--pack-destination", tmp, "--silent", "--fetch-retries=0"]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=180)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
            detail = getattr(error, "stderr", b"") or b""
            message = detail.decode(errors="replace")[-300:]
            raise FetchError(f"npm pack {spec} failed: {message}") from error
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            return archive.extractfile(member).read()


def vendor(name: str) -> str:
    """Put one package's file in its place; what was done, for the log."""
    spec, member, folder, filename, integrity = PACKAGES[name]
    target = globals()[folder] / filename
    where = f"{target.parent.name}/{filename}"
    if target.is_file() and (
        integrity is None and name == "vnu" or sri(target.read_bytes()) == integrity
    ):
        target.touch()
        return f"{where} is {spec} already"
    data = fetch(spec, member)
    if integrity and sri(data) != integrity:
        raise FetchError(f"{spec}: hash {sri(data)} differs from HTMX_SRI in workshop/config.py")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written aside and renamed: a suite running alongside never reads half a file.
    partial = target.with_name(f".{filename}.{os.getpid()}")
    partial.write_bytes(data)
    partial.replace(target)
    return f"fetched {spec} -> {where} ({len(data) // 1024} KiB)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "names", nargs="*", help=f"any of {', '.join(PACKAGES)} (default: htmx axe)"
    )
    parser.add_argument("--optional", action="store_true", help="warn instead of failing")
    args = parser.parse_args(argv)
    for name in args.names:
        if name not in PACKAGES:
            parser.error(f"unknown package {name!r}: choose from {', '.join(PACKAGES)}")
    status = 0
    for name in args.names or ["htmx", "axe"]:
        try:
            print(vendor(name))
        except FetchError as error:
            if not args.optional:
                print(error, file=sys.stderr)
                status = 1
                continue
            print(
                f"warning: {error}\n"
                f"warning: no local copy of {name}: pages load htmx from its CDN and need the "
                "internet for it; run `python scripts/fetch_vendor.py` when online.",
                file=sys.stderr,
            )
    return status


if __name__ == "__main__":
    sys.exit(main())
