"""The shared session log: many agents append to one markdown file at once, nothing lost.

Adapters (the CLI, the hook command, the MCP server) use `api` only. Behind it, modules are split
so the SubagentStop hook imports only what it needs: `store` (start, end, list, current), `append`
(prepare an entry once, then write it), `entries` (render one entry), `writer` (one locked write,
a torn tail closed first), `lock` (locking only), `redact`, `names` (layout and validation),
`claude` (which Claude Code session a report belongs to, when no session is active), `hook`. `parse` (markdown-it) and `tail` (watchdog) are heavier and load only for reading.
"""
