import os

from llmeng.sessions import listing
from llmeng.sessions.listing import RACY_NS, session_ids
from llmeng.sessions.store import current_session, start_session

from .conftest import CONTEXT, NOW


def _age(directory, ns=10 * RACY_NS):
    """Make `directory` look last changed `ns` ago; returns that mtime."""
    st = os.stat(directory)
    mtime = st.st_mtime_ns - ns
    os.utime(directory, ns=(st.st_atime_ns, mtime))
    return mtime


def _count_scans(monkeypatch):
    scans = []
    real = listing._scan
    monkeypatch.setattr(listing, "_scan", lambda d: scans.append(d) or real(d))
    return scans


def test_lists_valid_regular_session_files_sorted(tmp_path):
    for name in ("20261122-030405-b.md", "20261122-030405-a.md", "notes.md", "20261122-030405.txt"):
        (tmp_path / name).write_text("x")
    (tmp_path / "20991231-000000.md").symlink_to(tmp_path / "notes.md")
    (tmp_path / "20991231-000001.md").mkdir()
    assert session_ids(tmp_path) == ("20261122-030405-a", "20261122-030405-b")


def test_missing_directory_lists_nothing(tmp_path):
    assert session_ids(tmp_path / "absent") == ()


def test_unchanged_old_directory_is_not_listed_again(tmp_path, monkeypatch):
    (tmp_path / "20261122-030405.md").write_text("x")
    _age(tmp_path)
    scans = _count_scans(monkeypatch)
    assert session_ids(tmp_path) == session_ids(tmp_path) == ("20261122-030405",)
    assert len(scans) == 1


def test_a_session_started_after_a_kept_listing_becomes_current(tmp_path):
    first = start_session(tmp_path, "first", now=NOW, context=CONTEXT)
    _age(first.path.parent)
    assert current_session(tmp_path) == first.id  # listing kept
    second = start_session(tmp_path, "second", now=NOW.replace(second=6), context=CONTEXT)
    assert current_session(tmp_path) == second.id


def test_a_change_within_the_same_timestamp_tick_is_still_seen(tmp_path, monkeypatch):
    # Coarse timestamps: a file added just after a listing may leave the directory's mtime as it was.
    # A listing of a directory changed that recently is never kept, so the next call lists again.
    (tmp_path / "20261122-030405.md").write_text("x")
    st = os.stat(tmp_path)
    scans = _count_scans(monkeypatch)
    assert session_ids(tmp_path) == ("20261122-030405",)
    (tmp_path / "20261122-030406.md").write_text("x")
    os.utime(tmp_path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime as at the first listing
    assert session_ids(tmp_path) == ("20261122-030405", "20261122-030406")
    assert len(scans) == 2


def test_a_replaced_directory_is_listed_afresh(tmp_path):
    active = tmp_path / "active"
    active.mkdir()
    (active / "20261122-030405.md").write_text("x")
    mtime = _age(active)
    assert session_ids(active) == ("20261122-030405",)
    active.rename(tmp_path / "old")
    active.mkdir()
    os.utime(active, ns=(mtime, mtime))  # same mtime, different directory
    assert session_ids(active) == ()
