"""Claude Code agent definition files: spec, parsing, and the linter's rules."""
