#!/usr/bin/env bash
# Entry point of the llmeng Claude Code plugin: find the llmeng Python package, then run it.
#
#   llmeng-plugin.sh setup                 SessionStart: make sure the package is there
#   llmeng-plugin.sh hook subagent-stop    SubagentStop: log the subagent's final message
#   llmeng-plugin.sh mcp                   the MCP server (stdio)
#
# Where the package comes from, first match wins:
#   1. `llmeng` and `llmeng-mcp` on PATH (pip install, pipx, an active venv);
#   2. a venv this script builds in $CLAUDE_PLUGIN_DATA from the plugin folder itself (pip, Python >= 3.11).
# Fail-open: when neither exists, `setup` shows one message to the user and everything else writes one
# line to stderr and exits 0, so Claude Code keeps working and no subagent is ever blocked
# (a SubagentStop hook exiting 2 would feed its stderr back to the subagent).
set -uo pipefail

root="${CLAUDE_PLUGIN_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
data="${CLAUDE_PLUGIN_DATA:-${XDG_DATA_HOME:-$HOME/.local/share}/llmeng-plugin}"
fix="install it yourself with: pipx install '$root' (or python3 -m pip install --user '$root'; Python >= 3.11), then restart Claude Code"
SETUP_WAIT_S=280
STALE_LOCK_MIN=15
# After a failed build, wait this long before trying again: Claude Code may start the MCP server twice
# and each session runs setup, and a retry costs a venv and a pip run.
RETRY_AFTER_MIN=10

say() { printf 'llmeng plugin: %s\n' "$*" >&2; }

# The venv belongs to one plugin version: a new plugin.json or pyproject.toml gets a new venv.
stamp() { cat "$root/.claude-plugin/plugin.json" "$root/pyproject.toml" 2>/dev/null | cksum | tr -c '0-9\n' '-'; }
venv_dir() { printf '%s/venv-%s' "$data" "$(stamp)"; }

# Print the path of an llmeng program, or fail.
find_program() {
    local name="$1" venv
    if command -v "$name" 2>/dev/null; then return 0; fi
    venv="$(venv_dir)"
    if [ -e "$venv/.complete" ] && [ -x "$venv/bin/$name" ]; then printf '%s\n' "$venv/bin/$name"; return 0; fi
    return 1
}

find_python() {
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            printf '%s\n' "$candidate"
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

recently_failed() { [ -n "$(find "$1.failed" -maxdepth 0 -mmin -"$RETRY_AFTER_MIN" 2>/dev/null)" ]; }

build_venv() {
    local venv="$1" python log="$data/setup.log"
    if ! python="$(find_python)"; then
        tell_user "no Python >= 3.11 found, so the team's session log and MCP tools are off; $fix"
        return 0
    fi
    rm -rf "$venv"
    if "$python" -m venv "$venv" >>"$log" 2>&1 &&
        "$venv/bin/python" -m pip install --disable-pip-version-check --quiet "$root" >>"$log" 2>&1; then
        touch "$venv/.complete"
        # Older versions' venvs and failure marks: nothing refers to them once this venv is complete.
        find "$data" -maxdepth 1 -name 'venv-*' ! -path "$venv" -exec rm -rf {} + 2>/dev/null
        return 0
    fi
    rm -rf "$venv"
    touch "$venv.failed"
    tell_user "$(failed_message)"
}

setup() {
    local venv lock waited=0
    if command -v llmeng >/dev/null 2>&1 && command -v llmeng-mcp >/dev/null 2>&1; then return 0; fi
    venv="$(venv_dir)"
    [ -e "$venv/.complete" ] && return 0
    mkdir -p "$data" || { tell_user "cannot create $data; $fix"; return 0; }
    lock="$data/setup.lock"
    find "$lock" -maxdepth 0 -mmin +"$STALE_LOCK_MIN" -exec rmdir {} \; 2>/dev/null
    # mkdir is atomic: one session builds, the others wait for it (several sessions may start at once).
    until mkdir "$lock" 2>/dev/null; do
        [ -e "$venv/.complete" ] && return 0
        if [ "$waited" -ge "$SETUP_WAIT_S" ]; then tell_user "another session is still installing the package; try again later"; return 0; fi
        sleep 1
        waited=$((waited + 1))
    done
    if [ ! -e "$venv/.complete" ]; then
        if recently_failed "$venv"; then tell_user "$(failed_message)"; else build_venv "$venv"; fi
    fi
    rmdir "$lock"
}

hook() {
    local program status
    if ! program="$(find_program llmeng)"; then
        cat >/dev/null  # read the payload so Claude Code's write to our stdin never fails
        say "the llmeng package is missing, so this result was not logged; $fix"
        return 0
    fi
    "$program" hook "$@"
    status=$?
    # Any failure stays ours: exit 2 here would send stderr back to the subagent and keep it running.
    [ "$status" -eq 0 ] || say "'llmeng hook $*' exited with $status; the result may not be logged"
    return 0
}

mcp() {
    local program
    # The server may start before the SessionStart hook has finished building the venv: wait for it,
    # or build it here.
    report=quiet setup
    if program="$(find_program llmeng-mcp)"; then exec "$program" "$@"; fi
    say "the llmeng package is missing, so its MCP server cannot start (setup log: $data/setup.log); $fix"
    return 0
}

report=user
case "${1:-}" in
    setup) setup ;;
    hook) shift; hook "$@" ;;
    mcp) shift; mcp "$@" ;;
    *) say "usage: llmeng-plugin.sh setup | hook <event> | mcp"; exit 2 ;;
esac
exit 0
