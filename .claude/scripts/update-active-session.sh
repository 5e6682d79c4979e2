#!/usr/bin/env bash
# Append an agent's report to the active llmeng session (with none, to the log of the Claude Code
# session it runs in, or else to a standalone artifact).
#   usage: update-active-session.sh AGENT REPORT_FILE   (REPORT_FILE may be - for stdin)
# Self-contained: copy it into any project's .claude/scripts/. All logic lives in `llmeng`.
set -uo pipefail

# The folder `llmeng install` ran llmeng from, as it records it for the hook and .mcp.json: absolute,
# or relative to the project it installed into. Empty: llmeng is found on PATH.
installed_bin=""

if [ "$#" -ne 2 ]; then
  echo "usage: $(basename "$0") AGENT REPORT_FILE   (REPORT_FILE may be - for stdin)" >&2
  exit 2
fi
agent=$1
report=$2

if [ "$report" != "-" ] && [ ! -f "$report" ]; then
  echo "error: report file not found: $report" >&2
  echo "  fix: write your findings to a markdown file first, or pass - to read stdin" >&2
  exit 2
fi

# The project is the directory holding .claude/scripts/ (where this copy lives), unless
# Claude Code says otherwise; the CLI keeps every path under its .claude/sessions/.
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
installed_in=""
if [ "$(basename "$script_dir")" = scripts ] && [ "$(basename "$(dirname "$script_dir")")" = .claude ]; then
  installed_in=$(dirname "$(dirname "$script_dir")")
fi
if [ -n "${CLAUDE_PROJECT_DIR:-}" ]; then
  project=$CLAUDE_PROJECT_DIR
else
  project=${installed_in:-$PWD}
fi

case $installed_bin in
  "") recorded="" ;;
  /*) recorded=$installed_bin/llmeng ;;
  *) recorded=${installed_in:-$project}/$installed_bin/llmeng ;;
esac

if [ -n "$recorded" ] && [ -x "$recorded" ]; then
  cli=("$recorded")
elif command -v llmeng >/dev/null 2>&1; then
  cli=(llmeng)
elif [ -x "$project/.venv/bin/llmeng" ]; then
  cli=("$project/.venv/bin/llmeng")
elif command -v python3 >/dev/null 2>&1 && python3 -c 'import llmeng' >/dev/null 2>&1; then
  cli=(python3 -m llmeng)
else
  echo "error: the llmeng CLI is not installed, so the report was not appended" >&2
  [ -z "$recorded" ] || echo "  (llmeng install recorded $recorded, which is not there any more)" >&2
  echo "  fix: pipx install llmeng   (or: python3 -m pip install llmeng), then run this again" >&2
  exit 2
fi

exec "${cli[@]}" session append --root "$project" --agent "$agent" --source script -- "$report"
