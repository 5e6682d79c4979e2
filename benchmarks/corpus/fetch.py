"""Fetch the pinned audit corpus from PyPI, verify it and unpack it.

Usage: python benchmarks/corpus/fetch.py [--dest DIR] [--split dev|test|holdout] [NAME ...]

Each `[[package]]` in corpus.toml names a release, the archive file PyPI serves for it and its
sha256. The archive is downloaded by the URL PyPI's JSON API gives for that file into
`<dest>/.archives/`, checked against the recorded sha256, and unpacked
into `<dest>/<name>-<version>/` (an sdist's single top-level folder is stripped, so label paths read
`<name>-<version>/<path in the release>`). Runs are idempotent: a release already unpacked from an
archive with the recorded hash is skipped. Unpacking goes to a temporary folder renamed into place,
so an interrupted run never leaves a half-unpacked release behind.

Exit codes: 0 all releases present and verified, 1 a download or verification failed, 2 bad usage
or a broken corpus.toml.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tarfile
import tempfile
import tomllib
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MARKER = ".corpus-sha256"
INDEX = "https://pypi.org/pypi"
TIMEOUT_S = 60
SPLITS = ("dev", "test", "holdout")


class FetchError(Exception):
    """A release could not be fetched or verified; the message says what to do."""


@dataclass(frozen=True)
class Release:
    name: str
    version: str
    file: str
    sha256: str
    why: str
    split: str  # "dev", "test" (held out in round 1, tuned on since) or "holdout" (held out)

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"

    @property
    def is_wheel(self) -> bool:
        return self.file.endswith(".whl")


def load_corpus(path: Path) -> list[Release]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise FetchError(f"cannot read {path}: {exc}; fix the file or restore it from git") from exc
    releases = []
    for i, entry in enumerate(data.get("package", [])):
        missing = [k for k in ("name", "version", "file", "sha256", "why") if not entry.get(k)]
        if missing:
            raise FetchError(f"{path}: package #{i + 1} lacks {', '.join(missing)}; add them")
        if not entry["file"].endswith((".tar.gz", ".whl", ".zip")):
            raise FetchError(f"{path}: {entry['file']} is neither an sdist nor a wheel")
        if entry.get("split") not in SPLITS:
            raise FetchError(f'{path}: {entry["name"]} needs split = "dev", "test" or "holdout"')
        keys = ("name", "version", "file", "sha256", "why", "split")
        releases.append(Release(**{k: str(entry[k]) for k in keys}))
    if not releases:
        raise FetchError(f"{path} lists no [[package]] entries")
    return releases


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def download(release: Release, archives: Path) -> Path:
    """Download the release's archive unless a copy with the right hash is already there."""
    target = archives / release.file
    if target.is_file() and sha256_of(target) == release.sha256:
        return target
    archives.mkdir(parents=True, exist_ok=True)
    # The archive is fetched by its URL from PyPI's JSON API rather than with `pip download`: pip
    # builds an sdist's metadata (and its build backend) first, which takes minutes or fails for
    # releases whose Python range excludes this interpreter; only the bytes are needed here.
    url = _archive_url(release)
    with tempfile.TemporaryDirectory(dir=archives, prefix=".dl-") as tmp:
        got = Path(tmp) / release.file
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp, got.open("wb") as out:
                shutil.copyfileobj(resp, out)
        except OSError as exc:
            raise FetchError(f"could not download {url}: {exc}; check the network") from exc
        actual = sha256_of(got)
        if actual != release.sha256:
            raise FetchError(
                f"{release.file}: sha256 {actual} does not match corpus.toml "
                f"({release.sha256}); the release changed or the download is corrupt"
            )
        got.replace(target)
    return target


def _archive_url(release: Release) -> str:
    api = f"{INDEX}/{release.name}/json"  # the per-version JSON is not served by every mirror
    try:
        with urllib.request.urlopen(api, timeout=TIMEOUT_S) as resp:
            files = json.load(resp).get("releases", {}).get(release.version, [])
    except (OSError, ValueError) as exc:
        raise FetchError(f"could not read {api}: {exc}; check the network and the version") from exc
    for entry in files:
        if entry.get("filename") == release.file:
            return urllib.parse.urljoin(api, str(entry["url"]))  # a mirror may answer relative URLs
    offered = ", ".join(str(e.get("filename")) for e in files) or "nothing"
    raise FetchError(f"PyPI offers no {release.file} for {release.key} (it offers {offered})")


def _safe_extract(archive: Path, into: Path) -> None:
    if archive.name.endswith(".tar.gz"):
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(into, filter="data")  # 'data' rejects absolute paths, .. and links out
        return
    with zipfile.ZipFile(archive) as zf:
        root = into.resolve()
        for member in zf.namelist():
            if not (into / member).resolve().is_relative_to(root):
                raise FetchError(f"{archive.name}: member {member!r} escapes the folder; refusing")
        zf.extractall(into)


def unpack(release: Release, archive: Path, dest: Path) -> Path:
    final = dest / release.key
    marker = final / MARKER
    if marker.is_file() and marker.read_text(encoding="utf-8").strip() == release.sha256:
        return final
    with tempfile.TemporaryDirectory(dir=dest, prefix=f".{release.key}-") as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        _safe_extract(archive, raw)
        entries = list(raw.iterdir())
        # An sdist holds one folder `<name>-<version>/`: strip it so paths start inside the release.
        root = entries[0] if len(entries) == 1 and entries[0].is_dir() and not release.is_wheel else raw
        (root / MARKER).write_text(release.sha256 + "\n", encoding="utf-8")
        if final.exists():
            shutil.rmtree(final)
        root.rename(final)
    return final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these package names (default: all)")
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus.toml")
    parser.add_argument("--dest", type=Path, default=HERE / "downloads")
    parser.add_argument("--split", choices=SPLITS, help="only the releases of this half")
    args = parser.parse_args(argv)
    try:
        releases = load_corpus(args.corpus)
    except FetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    unknown = set(args.names) - {r.name for r in releases}
    if unknown:
        print(
            f"error: not in corpus.toml: {', '.join(sorted(unknown))}; choose from "
            f"{', '.join(r.name for r in releases)}",
            file=sys.stderr,
        )
        return 2
    chosen = [
        r
        for r in releases
        if (not args.names or r.name in args.names) and (args.split is None or r.split == args.split)
    ]
    args.dest.mkdir(parents=True, exist_ok=True)
    failed = 0
    for release in chosen:
        try:
            archive = download(release, args.dest / ".archives")
            path = unpack(release, archive, args.dest)
        except (FetchError, OSError, tarfile.TarError, zipfile.BadZipFile) as exc:
            failed += 1
            print(f"FAIL {release.key}: {exc}", file=sys.stderr)
            continue
        print(f"ok   {release.key}  {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
