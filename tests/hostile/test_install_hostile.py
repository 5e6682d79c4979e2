"""`llmeng install --from` a folder a hostile user filled, and `list`/`update`/`diff`/`uninstall` beside
special files (issue 13: one crashing agent file made `install --from` install nothing).

tests/install/test_hostile.py covers the settings, manifest and OS-error cases of the issue; this
module covers the agent files themselves: each gets its verdict, the valid one is installed.
"""

from __future__ import annotations

from pathlib import Path

from .support import GOOD_AGENT, device_link, fifo, llmeng, llmeng_here, sparse, unix_socket
from .test_validate_hostile import BAD_TAGS

NOT_INSTALLED = {
    "pipe.md": "FIFO",
    "zero.md": "device",
    "sock.md": "socket",
    "dangling.md": "No such file",
    "latin1.md": "AG109",
}
INSTALL = ["install", "--all", "--no-hook", "--no-script", "--no-mcp", "--no-permissions", "--from"]


def _source(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    (src / "reviewer.md").write_text(GOOD_AGENT)
    (src / "README.md").write_text("# A collection\n\nNot an agent: no frontmatter.\n")
    for i, tag in enumerate(BAD_TAGS):
        (src / f"tag-{i}.md").write_text(
            f"---\nname: tag-{i}\ndescription: Tag {i}.\nmodel: {tag}\n---\nBody\n"
        )
    fifo(src / "pipe.md")
    device_link(src / "zero.md")
    unix_socket(src / "sock.md")
    (src / "dangling.md").symlink_to(src / "nowhere.md")
    (src / "latin1.md").write_bytes(b"---\nname: caf\xe9\ndescription: d\n---\nBody\n")
    return src


def test_install_from_a_hostile_folder_installs_the_valid_agent_and_names_the_rest(tmp_path: Path) -> None:
    src = _source(tmp_path)
    project = tmp_path / "project"
    project.mkdir()
    ran = llmeng(*INSTALL, str(src), cwd=project).clean(frozenset({1}))
    agents = project / ".claude" / "agents"
    assert (agents / "reviewer.md").read_text() == GOOD_AGENT
    for name, says in NOT_INSTALLED.items():
        [line] = [line for line in ran.out.splitlines() if f"/{name}:" in line]
        assert line.lstrip().startswith("invalid") and says in line, line
        assert not (agents / name).exists()
    assert "README" not in ran.out
    # A bad tag is something strict YAML parsers reject, not an error: those agents install too.
    assert {p.name for p in agents.iterdir()} == {
        "reviewer.md",
        *(f"tag-{i}.md" for i in range(len(BAD_TAGS))),
    }


def test_a_source_agent_too_large_to_be_one_stops_the_install_unread(tmp_path: Path) -> None:
    # 64 GiB that take no disk: read whole, as it once was, it ended in a MemoryError traceback.
    src = _source(tmp_path)
    sparse(src / "huge.md", 64 << 30, b"---\nname: huge\n---\n")
    project = tmp_path / "project"
    project.mkdir()
    ran = llmeng(*INSTALL, str(src), cwd=project).clean(frozenset({2}))
    assert "huge.md: too large" in ran.err and "nothing was changed" in ran.err
    assert not (project / ".claude").exists()


def test_list_update_diff_and_uninstall_beside_special_files_answer_in_time(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    src = tmp_path / "src"
    src.mkdir()
    (src / "reviewer.md").write_text(GOOD_AGENT)
    base = ["--no-hook", "--no-script", "--no-mcp", "--no-permissions"]
    llmeng_here("install", "--from", str(src), "--all", *base, cwd=project).clean(frozenset({0}))
    agents = project / ".claude" / "agents"
    fifo(agents / "pipe.md")
    device_link(agents / "zero.md")
    (agents / "dangling.md").symlink_to(agents / "nowhere.md")
    listed = llmeng_here("list", cwd=project).clean(frozenset({0}))
    for name in ("pipe", "zero", "dangling"):
        [line] = [line for line in listed.out.splitlines() if f" {name} " in line]
        assert "does not load" in line, line  # listed with its verdict, not skipped
    llmeng_here("diff", cwd=project).clean(frozenset({0}))
    llmeng_here("update", cwd=project).clean(frozenset({0}))
    # The installed agent replaced by a FIFO: refused by name, never opened for reading.
    (agents / "reviewer.md").unlink()
    fifo(agents / "reviewer.md")
    for argv in (["install", "--from", str(src), "--all", *base], ["uninstall"]):
        ran = llmeng_here(*argv, cwd=project).clean(frozenset({2}))
        assert "reviewer.md is not a regular file (a FIFO)" in ran.err, ran.err
