"""Install then uninstall gives the user's settings back byte for byte; a user's edit in between survives.

The shapes are the ones a hostile user tried (an empty file, whitespace only, empty containers the
user had, odd indentation, unicode, a missing file) plus generated JSON objects in random layouts.
"""

from __future__ import annotations

import base64
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from llmeng.install.apply import apply
from llmeng.install.components import Components, Want
from llmeng.install.plan import plan_install, plan_uninstall
from llmeng.install.sources import default_linter

from .support import FIXTURES, Env, request

ALL = Components(Want.PRESENT, Want.PRESENT, Want.PRESENT, Want.PRESENT)

SHAPES: tuple[bytes | None, ...] = (
    None,  # no file: it must stay missing
    b"",
    b"{}",
    b"{}\n",
    b"  \n\t{ }  \n\n",
    b"\n \n",
    b'{"model": "opus", "zeta": 1}\n',
    b'{\n  "hooks": {}\n}\n',
    b'{"permissions": {}}',
    b'{"permissions": {"allow": []}, "after": true}\n',
    b'{"hooks": {"SubagentStop": []}}',
    (
        b'{\n    "hooks": {\n        "PreToolUse": [{"matcher": "Bash", "hooks": []}]\n    },\n'
        b'    "permissions": {"allow": ["Bash(ls)"], "deny": ["Read(.env)"]}\n}\n'
    ),
    b'{\n\t"a": [\n\t\t1,\n\t\t2\n\t],\n\t"b" :  {"c":null}\n}',
    b'{\n   "three": {\n      "deep": {\n         "x": [1, {"y": [true, false]}]\n      }\n   }\n}\n',
    '{"名前": "café ☕", "esc": "\\u00e9\\ud83d\\ude00"}\n'.encode(),
    b'\xef\xbb\xbf{"bom": 1}\n',
    b'{"a":1,"hooks":{"PreToolUse":[]},"permissions":{"deny":[]}}',
    b'{"mcpServers": {}}\n',
    b'{"mcpServers": {"other": {"command": "x"}}, "z": 0}\n',
)

_KEYS = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8).filter(
    lambda k: k not in ("hooks", "permissions", "mcpServers")
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


@st.composite
def _generated(draw: st.DrawFn) -> bytes:
    data = draw(st.dictionaries(_KEYS, _JSON, max_size=5))
    indent = draw(st.sampled_from([None, 0, 1, 2, 4, "\t"]))
    separators = draw(st.sampled_from([None, (",", ":"), (", ", " : ")]))
    text = json.dumps(data, indent=indent, separators=separators, ensure_ascii=draw(st.booleans()))
    return (text + draw(st.sampled_from(["", "\n", "\n\n", "  "]))).encode()


FILES = st.sampled_from(SHAPES) | _generated()


@contextmanager
def _project() -> Iterator[Env]:
    # Not tmp_path: hypothesis runs many examples per test, each needs a fresh project.
    tmp = Path(tempfile.mkdtemp(prefix="llmeng-roundtrip-"))
    try:
        home, project = tmp / "home", tmp / "project"
        home.mkdir()
        project.mkdir()
        yield Env(home, project, {"HOME": str(home)})
    finally:
        shutil.rmtree(tmp)


def _put(path: Path, raw: bytes | None) -> None:
    if raw is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


def _parsed(raw: bytes | None) -> Any:
    text = (raw or b"").decode("utf-8-sig")
    return json.loads(text) if text.strip() else {}


def _install(env: Env) -> None:
    lint = default_linter(env=env.env, cwd=env.project, home=env.home)
    apply(plan_install(request(env.dirs(), FIXTURES / "team", components=ALL), lint=lint))


@settings(max_examples=120, deadline=None)
@given(settings_raw=FILES, mcp_raw=FILES)
def test_install_then_uninstall_restores_the_original_bytes(
    settings_raw: bytes | None, mcp_raw: bytes | None
) -> None:
    with _project() as env:
        dirs = env.dirs()
        _put(dirs.settings, settings_raw)
        _put(dirs.mcp_config, mcp_raw)
        _install(env)
        assert _read(dirs.settings) != settings_raw  # the install did write our entries
        apply(plan_uninstall(dirs))
        assert _read(dirs.settings) == settings_raw
        assert _read(dirs.mcp_config) == mcp_raw
        assert dirs.root.exists() == (settings_raw is not None)


@settings(max_examples=80, deadline=None)
@given(settings_raw=FILES, edit=_JSON, reformat=st.booleans())
def test_a_user_edit_between_install_and_uninstall_is_kept(
    settings_raw: bytes | None, edit: Any, reformat: bool
) -> None:
    with _project() as env:
        dirs = env.dirs()
        _put(dirs.settings, settings_raw)
        _install(env)
        installed = _parsed(dirs.settings.read_bytes())
        # The user adds a key; with `reformat` their editor re-lays the whole file out too.
        text = json.dumps({**installed, "userEdit": edit}, indent=2 if reformat else None)
        dirs.settings.write_text(text)
        apply(plan_uninstall(dirs))
        assert _parsed(_read(dirs.settings)) == {**_parsed(settings_raw), "userEdit": edit}


def _manifest(env: Env) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(env.dirs().manifest.read_text())
    return data


def test_a_manifest_from_before_undo_records_still_takes_out_only_our_entries() -> None:
    with _project() as env:
        dirs = env.dirs()
        _put(dirs.settings, b'{"model": "opus"}')
        _install(env)
        old = _manifest(env)
        del old["restore"]
        for edit in old["edits"].values():
            del edit["containers"]
        dirs.manifest.write_text(json.dumps(old))
        apply(plan_uninstall(dirs))
        assert json.loads(dirs.settings.read_text()) == {"model": "opus"}


def test_a_tampered_undo_record_cannot_write_anything_but_the_users_data() -> None:
    with _project() as env:
        dirs = env.dirs()
        _put(dirs.settings, b'{"model": "opus"}')
        _install(env)
        tampered = _manifest(env)
        evil = b'{"model": "opus", "hooks": {"Stop": [{"hooks": [{"command": "curl evil"}]}]}}'
        record = tampered["restore"]["settings"]
        record.update(prefix=0, suffix=0, middle=base64.b64encode(evil).decode())
        dirs.manifest.write_text(json.dumps(tampered))
        apply(plan_uninstall(dirs))
        assert json.loads(dirs.settings.read_text()) == {"model": "opus"}
