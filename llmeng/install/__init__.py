"""Installing agent collections into Claude Code: plan first, then apply atomically, with a manifest."""
