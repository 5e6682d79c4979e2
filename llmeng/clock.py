"""The clock, read in one place for every adapter.

The core never reads the clock: `now` and `today` arrive as arguments. The CLI and the MCP server
both take them from here, so that they agree on the date (UTC) whatever the local time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date in UTC: the date every adapter passes to the core."""
    return now().date()
