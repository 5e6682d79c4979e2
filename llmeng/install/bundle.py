"""The agent team and session script shipped inside the wheel, found with importlib (never __file__)."""

from __future__ import annotations

import json
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import unquote, urlparse

from llmeng.errors import LlmengError

AGENTS_DIR = "bundled_agents"  # force-included from the repository's agents/
SCRIPT = "bundled_scripts/update-active-session.sh"  # from .claude/scripts/
CHECKOUT_AGENTS = "agents"
CHECKOUT_SCRIPT = ".claude/scripts/update-active-session.sh"


def agents_dir() -> Path:
    """The folder of bundled agent files."""
    packaged = Path(str(resources.files("llmeng") / AGENTS_DIR))
    if packaged.is_dir():
        return packaged
    checkout = _editable_checkout()
    if checkout is not None and (checkout / CHECKOUT_AGENTS).is_dir():
        return checkout / CHECKOUT_AGENTS
    raise LlmengError(
        "this llmeng install carries no bundled agents",
        "Reinstall llmeng (`pip install --force-reinstall llmeng`), or pass --from DIR.",
    )


def session_script() -> bytes | None:
    """The session script's bytes, or None when this build does not ship it."""
    packaged = resources.files("llmeng") / SCRIPT
    if packaged.is_file():
        return packaged.read_bytes()
    checkout = _editable_checkout()
    script = checkout / CHECKOUT_SCRIPT if checkout is not None else None
    return script.read_bytes() if script is not None and script.is_file() else None


def _editable_checkout() -> Path | None:
    # An editable install (pip install -e) imports llmeng from the checkout, where hatch's
    # force-included data does not exist; PEP 610's direct_url.json names that checkout.
    try:
        raw = metadata.distribution("llmeng").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    info = json.loads(raw or "{}")
    if not info.get("dir_info", {}).get("editable") or not info.get("url", "").startswith("file:"):
        return None
    return Path(unquote(urlparse(info["url"]).path))
