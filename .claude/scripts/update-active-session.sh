#!/usr/bin/env bash
# Append an agent's report to the active llmeng session, or keep it as a standalone artifact.
#   usage: update-active-session.sh AGENT REPORT_FILE   (REPORT_FILE may be - for stdin)
# Self-contained: copy it into any project's .claude/scripts/. All logic lives in `llmeng`.
set -uo pipefail

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
if [ -n "${CLAUDE_PROJECT_DIR:-}" ]; then
  project=$CLAUDE_PROJECT_DIR
elif [ "$(basename "$script_dir")" = scripts ] && [ "$(basename "$(dirname "$script_dir")")" = .claude ]; then
  project=$(dirname "$(dirname "$script_dir")")
else
  project=$PWD
fi

if command -v llmeng >/dev/null 2>&1; then
  cli=(llmeng)
elif [ -x "$project/.venv/bin/llmeng" ]; then
  cli=("$project/.venv/bin/llmeng")
elif command -v python3 >/dev/null 2>&1 && python3 -c 'import llmeng' >/dev/null 2>&1; then
  cli=(python3 -m llmeng)
else
  echo "error: the llmeng CLI is not installed, so the report was not appended" >&2
  echo "  fix: pipx install llmeng   (or: python3 -m pip install llmeng), then run this again" >&2
  exit 2
fi

exec "${cli[@]}" session append --root "$project" --agent "$agent" --source script -- "$report"
