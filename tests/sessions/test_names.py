import pytest

from llmeng.errors import LlmengError
from llmeng.sessions import names


@pytest.mark.parametrize("good", ["20261122-030405", "20261122-030405-fix-retries", "20261122-030405-a-2"])
def test_valid_session_ids(good):
    assert names.check_session_id(good) == good


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "../x",
        "20261122-030405/../../x",
        "2026-11-22",
        "20261122-030405-Upper",
        "20261122-030405-" + "a" * 80,
        "20261122-030405-a--b",
        "x.md",
    ],
)
def test_invalid_session_ids_are_refused(bad):
    with pytest.raises(LlmengError) as e:
        names.check_session_id(bad)
    assert e.value.fix


@pytest.mark.parametrize("good", ["llm-architect", "plugin:agent", "a.b_c", "A1"])
def test_valid_agent_names(good):
    assert names.check_agent(good) == good


@pytest.mark.parametrize("bad", ["", "-lead", "../../etc", "a b", "a/b", "x" * 65, "a\nb", "évian"])
def test_invalid_agent_names_are_refused(bad):
    with pytest.raises(LlmengError):
        names.check_agent(bad)


def test_invalid_agent_id_and_source_are_refused():
    with pytest.raises(LlmengError):
        names.check_agent_id("a b")
    with pytest.raises(LlmengError):
        names.check_source("email")
    assert names.check_agent_id("a3524a6ba1ae003cf") == "a3524a6ba1ae003cf"


def test_slugify_keeps_ascii_words():
    assert names.slugify("Fix: Retries & Timeouts!") == "fix-retries-timeouts"
    assert names.slugify("日本語") == ""


def test_git_branch_reads_head_and_worktree_files(tmp_path):
    assert names.git_branch(tmp_path) is None
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref: refs/heads/feature/x\n")
    assert names.git_branch(tmp_path) == "feature/x"
    (tmp_path / ".git" / "HEAD").write_text("0123456789abcdef0123\n")
    assert names.git_branch(tmp_path) == "0123456789ab"
    wt = tmp_path / "wt"
    wt.mkdir()
    (wt / ".git").write_text(f"gitdir: {tmp_path / '.git'}\n")
    assert names.git_branch(wt) == "0123456789ab"


def test_sessions_dir_refuses_symlinked_claude_dir_leading_out(tmp_path):
    outside = tmp_path / "outside"
    project = tmp_path / "project"
    outside.mkdir()
    project.mkdir()
    (project / ".claude").symlink_to(outside)
    with pytest.raises(LlmengError):
        names.sessions_dir(project, names.ACTIVE)
    assert list(outside.iterdir()) == []


def test_long_titles_give_short_valid_ids():
    slug = names.slugify("word " * 30)
    assert len(slug) <= names.SLUG_MAX_CHARS and not slug.endswith("-")
    assert names.check_session_id(f"20261122-030405-{slug}")
