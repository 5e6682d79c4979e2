"""The shared session log: many agents append to one markdown file at once, nothing lost.

Modules are split so the SubagentStop hook imports only what it needs: `store` (start, append,
end, list, current), `entries` (render one entry), `lock` (one locked write), `redact`,
`names` (layout and validation), `hook`. `parse` (markdown-it) and `tail` (watchdog) are heavier
and load only for reading.
"""
