"""Regenerate llmeng/data/sdk_defaults.toml from the wheels pinned in scripts/sdk_wheels.toml.

    python scripts/gen_sdk_defaults.py           # fetch the pinned wheels (cached), read them, write the file
    python scripts/gen_sdk_defaults.py --check   # exit 1 when the committed file differs from a fresh run

Each wheel is looked up in the package index's JSON (`<index>/<dist>/json`, its `releases` entry for the
pinned version), downloaded once into the cache folder, and checked against the pinned sha256. It is then
opened as a zip and read with `ast`: nothing from a wheel is installed, imported or executed. Each default is
read by a recipe (an anchor in a file of the wheel and how to read the value there) kept beside its pin in
sdk_wheels.toml, and written with the version and the file:line it came from. A recipe that no longer
matches its wheel stops the run with exit 1, naming the library and the recipe.

To refresh: change `version`, `file` and `sha256` of a pin (from the index's JSON), run the script, read
the diff of sdk_defaults.toml, and fix any recipe it names. See docs/audit.md, "SDK knowledge".
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from llmeng.audit.sdkgen.generate import generate, render
from llmeng.audit.sdkgen.recipe import Pin, parse_recipes
from llmeng.audit.sdkgen.wheel import Source, Wheel
from llmeng.errors import LlmengError

REPO = Path(__file__).resolve().parent.parent
PINS = REPO / "scripts" / "sdk_wheels.toml"
OUT = REPO / "llmeng" / "data" / "sdk_defaults.toml"
CACHE = Path(os.environ.get("LLMENG_WHEEL_CACHE", Path.home() / ".cache" / "llmeng-sdk-wheels"))
INDEX = "https://pypi.org/pypi"


def fetch(pin: Pin, cache: Path, index: str) -> Path:
    """The pinned wheel in the cache, downloaded first when missing; its sha256 always checked."""
    path = cache / pin.file
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        data = urllib.request.urlopen(_wheel_url(pin, index), timeout=300).read()
        _verify(pin, hashlib.sha256(data).hexdigest())
        with tempfile.NamedTemporaryFile(dir=cache, delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)
    _verify(pin, hashlib.sha256(path.read_bytes()).hexdigest())
    return path


def _wheel_url(pin: Pin, index: str) -> str:
    json_url = f"{index}/{pin.dist}/json"
    release = json.load(urllib.request.urlopen(json_url, timeout=60))["releases"].get(pin.version, [])
    for f in release:
        if f["filename"] == pin.file:
            # Some mirrors answer with URLs relative to the JSON document.
            return urllib.parse.urljoin(json_url, f["url"])
    raise LlmengError(
        f"{pin.dist} {pin.version}: {pin.file} is not among the release's files at {json_url}",
        "Copy the exact wheel filename of that release from the index's JSON into sdk_wheels.toml.",
    )


def _verify(pin: Pin, digest: str) -> None:
    if digest != pin.sha256:
        raise LlmengError(
            f"{pin.file}: sha256 {digest} differs from the pinned {pin.sha256}",
            "Delete the cached file and run again; if it persists, the pin is wrong: re-read it from the index.",
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="\n\n".join(__doc__.split("\n\n")[1:]),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--check", action="store_true", help="compare with the committed file; write nothing")
    parser.add_argument("--pins", type=Path, default=PINS, help="pins and recipes (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=OUT, help="the data file (default: %(default)s)")
    parser.add_argument(
        "--cache", type=Path, default=CACHE, help="wheel cache, $LLMENG_WHEEL_CACHE (%(default)s)"
    )
    parser.add_argument("--index", default=INDEX, help="package index JSON API (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        pins, entries = parse_recipes(tomllib.loads(args.pins.read_text("utf-8")))
        wheels = [Wheel(p.dist, p.version, fetch(p, args.cache, args.index)) for p in pins]
        text = render(generate(Source(wheels), entries))
    except LlmengError as e:
        print(f"error: {e}\n  fix: {e.fix}", file=sys.stderr)
        return 1
    old = args.out.read_text("utf-8") if args.out.exists() else ""
    if args.check:
        if old != text:
            print(
                f"{args.out} is stale: run scripts/gen_sdk_defaults.py and commit the result", file=sys.stderr
            )
            return 1
        print(f"{args.out} is up to date ({len(entries)} entries from {len(pins)} wheels)")
        return 0
    args.out.write_text(text, "utf-8")
    print(f"wrote {args.out}: {len(entries)} entries from {len(pins)} wheels")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
