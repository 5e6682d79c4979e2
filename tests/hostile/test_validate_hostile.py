"""`llmeng validate` and the MCP `validate_agents` tool on agent folders a hostile user built (issue 13).

Beside the hostile files sits a valid agent: every file gets a verdict, the valid one stays valid,
`--format json` parses, and a FIFO, device, socket or dangling link is reported (AG113), not skipped.
tests/agents/test_hostile.py fuzzes the linter core; this module holds the adapters to the same bar.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from .support import GOOD_AGENT, HOSTILE, call_tool, llmeng, llmeng_here, mcp_project, special_files

# PyYAML's constructors raised KeyError, IndexError or AttributeError on these (69 crashes in 3,316).
BAD_TAGS = [
    "!!bool maybe",
    "!!int ''",
    "!!float ''",
    "!!timestamp x",
    "!!int 0x",
    "!!int 0b",
    "!!float .",
    "!!timestamp 2024-13-45",
    "!!binary ~~~",
    "!!set [a]",
    "!!omap x",
    "!!pairs 3",
    "!!null x",
    "!!merge x",
    "!!str [a]",
    "!!seq x",
    "!!map x",
    "!!value x",
    "!!python/name:os.system x",
    "!!python/object/apply:os.system ['true']",
    "!custom {a: 1}",
    "!<tag:yaml.org,2002:int> x",
]
KEYS = ["name", "description", "tools", "model", "hooks", "color", "maxTurns", "skills", "mcpServers", "x"]


def _bomb(levels: int, width: int) -> list[str]:
    lines = ["l0: &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels + 1)]
    return lines


def _nested(depth: int, opener: str) -> str:
    closer = {"[": "]", "{a: ": "}"}[opener]
    return opener * depth + closer * depth


VALUES = st.one_of(
    st.sampled_from(BAD_TAGS),
    st.sampled_from(["&a x", "*a", "*missing", "&a [*a]", "<<: *a", "{<<: *a}", "[*a, *a]"]),
    st.builds(
        _nested, st.integers(1, 3000) | st.sampled_from([30_001, 50_000]), st.sampled_from(["[", "{a: "])
    ),
    st.text(st.characters(codec="utf-8"), max_size=200).map(json.dumps),  # any unicode, quoted
    st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=200),  # unquoted
    st.sampled_from(["\u202eevil", "\u200b", "\ufeff", "\x85", "\u2028x", "\U0001f600" * 50, "a\x00b"]),
)
LINES = st.one_of(
    st.tuples(st.sampled_from(KEYS), VALUES).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.builds(_bomb, st.integers(1, 9), st.integers(2, 9)).map("\n".join),
    st.sampled_from(["---", "...", "%YAML 1.1", "? [a]", "- item", "\ttab: x", "{", "'", "key: 'a", "&x"]),
)


@st.composite
def agent_files(draw: st.DrawFn) -> bytes:
    """A frontmatter of hostile lines, framed or not, with a BOM, CRLF or CR line ends."""
    lines = draw(st.lists(LINES, max_size=12))
    body = draw(st.sampled_from(["Body.\n", "", "<pre>\n```\n", "\x00", "---\n"]))
    text = "---\n" + "\n".join(lines) + "\n---\n" + body
    text = text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r"])))
    raw = text.encode("utf-8", "surrogatepass")
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + raw


def _by_name(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(f["path"]).name: f for f in data["files"]}


def _good_stays_valid(data: dict[str, Any], count: int) -> None:
    files = _by_name(data)
    assert data["summary"]["files"] == count == len(files), "every file gets a verdict"
    # AG114 is a check that raised, contained to its file: still a crash to fix.
    assert "AG114" not in {f["rule"] for file in data["files"] for f in file["findings"]}, data
    good = files["reviewer.md"]
    assert good["loads"] and not [f for f in good["findings"] if f["severity"] == "error"], good


@HOSTILE
@example(blobs=[f"---\nname: a\ndescription: {t}\nmodel: {t}\n---\nBody\n".encode() for t in BAD_TAGS[:4]])
@given(blobs=st.lists(agent_files(), min_size=1, max_size=4))
def test_generated_frontmatters_each_get_a_verdict_on_the_cli_and_over_mcp(blobs: list[bytes]) -> None:
    with mcp_project() as (root, server):
        folder = root / "agents"
        folder.mkdir()
        (folder / "reviewer.md").write_text(GOOD_AGENT)
        for i, blob in enumerate(blobs):
            # A name never equal to the valid agent's: a duplicate would rightly make both invalid.
            (folder / f"hostile-{i}.md").write_bytes(blob.replace(b"reviewer", b"r"))
        ran = llmeng_here("validate", "agents", "--format", "json", cwd=root).clean(frozenset({0, 1}))
        _good_stays_valid(json.loads(ran.out), len(blobs) + 1)
        _good_stays_valid(call_tool(server, "validate_agents", {"path": "agents"}).data, len(blobs) + 1)


def _folder(root: Path) -> tuple[Path, dict[str, str]]:
    """agents/ with the valid agent, one file per bad tag and every special file issue 13 names."""
    folder = root / "agents"
    folder.mkdir()
    (folder / "reviewer.md").write_text(GOOD_AGENT)
    for i, tag in enumerate(BAD_TAGS):
        (folder / f"tag-{i}.md").write_text(
            f"---\nname: tag-{i}\ndescription: {tag}\nmodel: {tag}\n---\nBody\n"
        )
    outside = root.parent / "outside.md"
    outside.write_text(GOOD_AGENT.replace("reviewer", "outsider"))
    special = special_files(folder, ".md", outside=outside)
    special["dangling.md"] = "No such file"  # the reader's words for it
    (folder / "huge.md").write_bytes(b"---\nname: huge\n---\n" + b"x" * (2 << 20))
    (folder / "latin1.md").write_bytes(b"---\nname: caf\xe9\ndescription: d\n---\nBody\n")
    return folder, special


def test_the_cli_gives_every_file_its_verdict_and_names_special_files(tmp_path: Path) -> None:
    _, special = _folder(tmp_path)
    data = json.loads(
        llmeng("validate", "agents", "--format", "json", cwd=tmp_path).clean(frozenset({1})).out
    )
    files = _by_name(data)
    _good_stays_valid(data, len(files))
    assert {f"tag-{i}.md" for i in range(len(BAD_TAGS))} <= set(files)
    for name in ("huge.md", "latin1.md", *special):
        assert name in files, f"{name} skipped in silence"
    for name, says in special.items():
        if name == "escape.md":  # on the command line a link is followed, as Claude Code follows it
            assert files[name]["name"] == "outsider" and files[name]["loads"], files[name]
            continue
        [finding] = files[name]["findings"]
        assert finding["rule"] == "AG113" and says in finding["message"], files[name]
    assert {f["rule"] for f in files["huge.md"]["findings"]} == {"AG105"}
    assert {f["rule"] for f in files["latin1.md"]["findings"]} == {"AG109"}
    text = llmeng_here("validate", "agents", cwd=tmp_path).clean(frozenset({1})).out
    assert "AG113" in text and "pipe.md" in text
    sarif = json.loads(
        llmeng_here("validate", "agents", "--format", "sarif", cwd=tmp_path).clean(frozenset({1})).out
    )
    assert "AG113" in {r["ruleId"] for r in sarif["runs"][0]["results"]}


def test_fix_on_a_hostile_folder_completes(tmp_path: Path) -> None:
    _folder(tmp_path)
    ran = llmeng_here("validate", "agents", "--fix", "--format", "json", cwd=tmp_path).clean(frozenset({1}))
    _good_stays_valid(json.loads(ran.out), len(_by_name(json.loads(ran.out))))


def test_the_mcp_tool_gives_every_file_its_verdict_and_never_reads_outside() -> None:
    with mcp_project() as (root, server):
        _, special = _folder(root)
        data = call_tool(server, "validate_agents", {"path": "agents"}).data
        files = _by_name(data)
        _good_stays_valid(data, len(files))
        for name in special:
            assert [f["rule"] for f in files[name]["findings"]] == ["AG113"], files[name]
        assert "outsider" not in json.dumps(data)  # the linked agent outside the root was not read
        for name in ("zero.md", "escape.md", "dangling.md"):
            answer = call_tool(server, "validate_agents", {"path": f"agents/{name}"})
            assert not answer.ok and "Fix:" in answer.text, (name, answer.text)
        for name in ("pipe.md", "sock.md"):
            [only] = call_tool(server, "validate_agents", {"path": f"agents/{name}"}).data["files"]
            assert [f["rule"] for f in only["findings"]] == ["AG113"]
