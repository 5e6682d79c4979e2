#!/usr/bin/env bash
# Entry point of the llmeng Claude Code plugin: find the llmeng Python package, then run it.
#
#   llmeng-plugin.sh setup                 make sure the package is there
#   llmeng-plugin.sh session-start         SessionStart: setup, then record the Claude Code session for
#                                          the MCP server and scripts (`llmeng hook session-start`)
#   llmeng-plugin.sh hook subagent-stop    SubagentStop: log the subagent's final message
#   llmeng-plugin.sh mcp                   the MCP server (stdio)
#   llmeng-plugin.sh cli ARGS...           `llmeng ARGS...`, for the plugin's slash commands
#   llmeng-plugin.sh audit [PATH...]       /llmeng:audit: `llmeng audit` of the paths, else of the project
#
# Where the package comes from, first match wins:
#   1. `llmeng` and `llmeng-mcp` on PATH (pip install, pipx, an active venv);
#   2. a venv this script builds in $CLAUDE_PLUGIN_DATA from the plugin folder itself (Python >= 3.11),
#      with uv from PATH, else uv installed into $CLAUDE_PLUGIN_DATA/uv-tool by pip, else plain pip.
# Fail-open: when neither exists, `setup` shows one message to the user and everything else writes one
# line to stderr and exits 0, so Claude Code keeps working and no subagent is ever blocked
# (a SubagentStop hook exiting 2 would feed its stderr back to the subagent).
#
# Builds are serialised by flock(2) on $data/setup.flock, a lock the kernel drops when its holder dies,
# and go into `<name>.tmp.<pid>` folders renamed into place only when complete: Claude Code kills an MCP
# server that has not connected after 30 s, and a killed build must leave nothing that blocks or fools the
# next one. Whoever takes the lock sweeps the temp folders of builders that died.
set -uo pipefail

root="${CLAUDE_PLUGIN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
data="${CLAUDE_PLUGIN_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/llmeng-plugin}"
fix="install it yourself with: pipx install '$root' (or python3 -m pip install --user '$root'; Python >= 3.11), then restart Claude Code"
# SessionStart must not hold up the session for a build another process is doing.
SETUP_LOCK_WAIT_S=3
# Claude Code gives an MCP server 30 s to connect (2.1.330 ignores MCP_CONNECT_TIMEOUT_MS for plugins).
MCP_LOCK_WAIT_S=25
# Claude Code starts the MCP server a moment before the SessionStart hook. The hook should build: it is
# not killed at 30 s, and only it can show the user a failure. So the server builds only when no build
# has started after this long (a session without the hook, or one whose hook already gave up).
MCP_DEFER_S=5
# After a failed build, wait this long before trying again: Claude Code may start the MCP server twice
# and each session runs setup, and a retry costs a venv and an install.
RETRY_AFTER_MIN=10

say() { printf 'llmeng plugin: %s\n' "$*" >&2; }

# The venv belongs to one plugin version: a new plugin.json or pyproject.toml gets a new venv.
stamp() { cat "$root/.claude-plugin/plugin.json" "$root/pyproject.toml" 2>/dev/null | cksum | tr -c '0-9\n' '-'; }
venv_dir() { printf '%s/venv-%s' "$data" "$(stamp)"; }

# Set `command` to the argv that runs llmeng program $1, or fail. A venv's console scripts are run through
# its python: they were written in the temp folder, so their #! lines name a path that no longer exists.
find_program() {
    local name="$1" venv path
    if path="$(command -v "$name" 2>/dev/null)"; then command=("$path"); return 0; fi
    venv="$(venv_dir)"
    if [ -e "$venv/.complete" ] && [ -f "$venv/bin/$name" ]; then
        command=("$venv/bin/python" "$venv/bin/$name")
        return 0
    fi
    return 1
}

find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            "$candidate" -c 'import sys; print(sys.executable)'
            return 0
        fi
    done
    return 1
}

# SessionStart shows a hook's JSON systemMessage to the user (plain stdout would go to the model).
# Under `mcp` (stdout is the protocol there) setup stays quiet and `mcp` says the one line itself.
tell_user() {
    [ "$report" = user ] || return 0
    say "$1"
    local message="llmeng plugin: $1"
    message="${message//\\/\\\\}"
    printf '{"systemMessage": "%s"}\n' "${message//\"/\\\"}"
}

failed_message() {
    printf 'could not install its Python package (details in %s), so the team%ss session log and MCP tools are off; %s' \
        "$data/setup.log" "'" "$fix"
}

busy_message() {
    printf 'another process is installing its Python package (log: %s); the team%ss session log and MCP tools work once it is done, at the latest in the next session' \
        "$data/setup.log" "'"
}

recently_failed() { [ -n "$(find "$1.failed" -maxdepth 0 -mmin -"$RETRY_AFTER_MIN" 2>/dev/null)" ]; }

# Take the setup lock within $1 seconds (0: fail at once). flock(1) comes from util-linux; without it,
# Python's fcntl.flock locks the same open file, and the lock stays with this shell's descriptor.
take_lock() {
    local wait_s="$1"
    { exec {lock_fd}>>"$data/setup.flock"; } 2>/dev/null || return 2
    if command -v flock >/dev/null 2>&1; then
        flock -w "$wait_s" "$lock_fd"
        return
    fi
    "$python" -c '
import fcntl, sys, time
fd, deadline = int(sys.argv[1]), time.monotonic() + float(sys.argv[2])
while True:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        break
    except BlockingIOError:
        if time.monotonic() >= deadline:
            sys.exit(1)
        time.sleep(0.1)
' "$lock_fd" "$wait_s"
}

release_lock() { [ -z "${lock_fd:-}" ] || exec {lock_fd}>&-; lock_fd=""; }

# Run one slow step in the background so a TERM reaches it at once (bash runs traps only between
# foreground commands), with the lock closed: an orphaned step must never hold it.
step() {
    "$@" >>"$data/setup.log" 2>&1 {lock_fd}>&- &
    child=$!
    wait "$child"
    local status=$?
    child=""
    return "$status"
}

# shellcheck disable=SC2329  # run by the trap in setup
on_signal() {
    [ -z "${child:-}" ] || kill "$child" 2>/dev/null
    [ -z "${building:-}" ] || rm -rf "$building"
    exit 143
}

# Holding the lock, every temp folder belongs to a builder that died; so does a final venv without its
# mark (an older launcher built in place).
sweep() {
    find "$data" -maxdepth 1 \( -name 'venv-*.tmp.*' -o -name 'uv-tool.tmp.*' \) -exec rm -rf {} + 2>/dev/null
    [ -e "$1" ] && [ ! -e "$1/.complete" ] && rm -rf "$1"
    return 0
}

# uv reads UV_* settings, not pip's: carry over the index settings a user gave pip in the environment
# (uv has no variable for --no-index, so that one becomes `uv_options`), and trust the certificates pip
# trusts (pip >= 24.2 uses the system store).
uv_env() {
    [ -n "${UV_INDEX_URL:-}" ] || [ -z "${PIP_INDEX_URL:-}" ] || export UV_INDEX_URL="$PIP_INDEX_URL"
    [ -n "${UV_EXTRA_INDEX_URL:-}" ] || [ -z "${PIP_EXTRA_INDEX_URL:-}" ] || export UV_EXTRA_INDEX_URL="$PIP_EXTRA_INDEX_URL"
    [ -n "${UV_FIND_LINKS:-}" ] || [ -z "${PIP_FIND_LINKS:-}" ] || export UV_FIND_LINKS="${PIP_FIND_LINKS// /,}"
    [ -n "${SSL_CERT_FILE:-}" ] || [ -z "${PIP_CERT:-}" ] || export SSL_CERT_FILE="$PIP_CERT"
    case "${PIP_NO_INDEX:-}" in 1 | [Tt]rue | [Yy]es | [Oo]n) uv_options=(--no-index) ;; esac
    export UV_SYSTEM_CERTS="${UV_SYSTEM_CERTS:-1}" UV_NATIVE_TLS="${UV_NATIVE_TLS:-1}"
    export UV_PYTHON_DOWNLOADS=never
}

# Set `uv` to uv from PATH, else the copy in $data, else one pip installs there now (one wheel).
# No command substitution: a subshell would hold off the TERM trap until it ended.
find_uv() {
    local tool="$data/uv-tool" started="$SECONDS"
    if uv="$(command -v uv 2>/dev/null)"; then return 0; fi
    uv="$tool/bin/uv"
    [ -x "$uv" ] && return 0
    building="$tool.tmp.$$"
    if step "$python" -m pip install --disable-pip-version-check --quiet --no-deps --no-compile --only-binary=:all: \
        --target "$building" uv &&
        [ -x "$building/bin/uv" ] && mv -T "$building" "$tool"; then
        building=""
        printf 'installed uv with pip in %s s\n' "$((SECONDS - started))" >>"$data/setup.log"
        return 0
    fi
    rm -rf "$building"
    building=""
    return 1
}

# Build the venv for this plugin version in a temp folder, then rename it into place.
build_venv() {
    local venv="$1" started="$SECONDS"
    printf '%s building %s\n' "$(date -u +%FT%TZ)" "$venv" >>"$data/setup.log"
    if find_uv && uv_env && building="$venv.tmp.$$" &&
        step "$uv" venv --quiet --relocatable --python "$python" "$building" &&
        step "$uv" pip install "${uv_options[@]}" --python "$building/bin/python" "$root"; then
        printf 'built with uv in %s s\n' "$((SECONDS - started))" >>"$data/setup.log"
    else
        [ -z "$building" ] || rm -rf "$building"
        building="$venv.tmp.$$"
        if step "$python" -m venv "$building" &&
            step "$building/bin/python" -m pip install --disable-pip-version-check --quiet "$root"; then
            printf 'built with pip in %s s\n' "$((SECONDS - started))" >>"$data/setup.log"
        else
            rm -rf "$building"
            building=""
            touch "$venv.failed"
            tell_user "$(failed_message)"
            return 1
        fi
    fi
    touch "$building/.complete"
    if ! mv -T "$building" "$venv"; then
        rm -rf "$building"
        building=""
        return 1
    fi
    building=""
    # Older versions' venvs and failure marks: nothing refers to them once this venv is complete.
    find "$data" -maxdepth 1 -name 'venv-*' ! -path "$venv" -exec rm -rf {} + 2>/dev/null
    return 0
}

# Make sure the venv exists, waiting at most $1 seconds for a build another process holds.
# Sets `blocked` when that build was still running.
setup() {
    local wait_s="${1:-$SETUP_LOCK_WAIT_S}" venv
    blocked=""
    if command -v llmeng >/dev/null 2>&1 && command -v llmeng-mcp >/dev/null 2>&1; then return 0; fi
    venv="$(venv_dir)"
    [ -e "$venv/.complete" ] && return 0
    if ! python="$(find_python)"; then
        tell_user "no Python >= 3.11 found, so the team's session log and MCP tools are off; $fix"
        return 0
    fi
    mkdir -p "$data" || { tell_user "cannot create $data; $fix"; return 0; }
    take_lock "$wait_s"
    case $? in
        0) ;;
        1) blocked=1; tell_user "$(busy_message)"; release_lock; return 0 ;;
        *) tell_user "cannot write $data/setup.flock; $fix"; release_lock; return 0 ;;
    esac
    trap on_signal TERM INT HUP
    if [ ! -e "$venv/.complete" ]; then
        sweep "$venv"
        if recently_failed "$venv"; then tell_user "$(failed_message)"; else build_venv "$venv"; fi
    fi
    trap - TERM INT HUP
    release_lock
}

hook() {
    local status
    if ! find_program llmeng; then
        cat >/dev/null  # read the payload so Claude Code's write to our stdin never fails
        say "the llmeng package is missing, so this result was not logged; $fix"
        return 0
    fi
    "${command[@]}" hook "$@"
    status=$?
    # Any failure stays ours: exit 2 here would send stderr back to the subagent and keep it running.
    [ "$status" -eq 0 ] || say "'llmeng hook $*' exited with $status; the result may not be logged"
    return 0
}

# Wait up to MCP_DEFER_S for the SessionStart hook to start a build (it then holds the lock), for the venv,
# or for a failure mark.
await_builder() {
    local venv started="$SECONDS"
    find_program llmeng-mcp && return 0
    venv="$(venv_dir)"
    python="$(find_python)" || return 0
    mkdir -p "$data" 2>/dev/null || return 0
    while [ "$((SECONDS - started))" -lt "$MCP_DEFER_S" ]; do
        if [ -e "$venv/.complete" ] || recently_failed "$venv"; then return 0; fi
        if ! take_lock 0; then release_lock; return 0; fi  # held: a build is under way
        release_lock
        sleep 0.2
    done
}

# SessionStart: the build first (only it may take long), then the record, which needs the package.
session_start() {
    setup
    if find_program llmeng; then
        "${command[@]}" hook session-start || say "'llmeng hook session-start' exited with $?"
    else
        cat >/dev/null
    fi
    return 0
}

# A slash command: the user waits for its output, so a missing package is built here (or waited for);
# a failure is one line on stderr and exit 1.
cli() {
    find_program llmeng || report=quiet setup "$MCP_LOCK_WAIT_S"
    if find_program llmeng; then exec "${command[@]}" "$@"; fi
    if [ -n "$blocked" ]; then
        say "the llmeng package is still being installed by another process (setup log: $data/setup.log); try again in a minute"
    else
        say "the llmeng package is missing (setup log: $data/setup.log); $fix"
    fi
    exit 1
}

mcp() {
    local started="$SECONDS"
    # The server may start before the SessionStart hook has finished building the venv: wait for it,
    # or build it here.
    await_builder
    report=quiet setup "$((MCP_LOCK_WAIT_S - (SECONDS - started)))"
    if find_program llmeng-mcp; then exec "${command[@]}" "$@"; fi
    if [ -n "$blocked" ]; then
        say "the llmeng package is still being installed by another process, so its MCP server cannot start in this session (setup log: $data/setup.log); it will in the next one"
    else
        say "the llmeng package is missing, so its MCP server cannot start (setup log: $data/setup.log); $fix"
    fi
    return 0
}

report=user
lock_fd=""
child=""
uv=""
uv_options=()
building=""
blocked=""
command=()
case "${1:-}" in
    setup) setup ;;
    session-start) session_start ;;
    hook) shift; hook "$@" ;;
    mcp) shift; mcp "$@" ;;
    cli) shift; cli "$@" ;;
    # A slash command cannot give a default for a missing argument: the project is the default here.
    audit) shift; cli audit --fail-on never "${@:-.}" ;;
    *) say "usage: llmeng-plugin.sh setup | session-start | hook <event> | mcp | cli <llmeng arguments> | audit [path...]"; exit 2 ;;
esac
exit 0
