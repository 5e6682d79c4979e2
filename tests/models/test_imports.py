"""Import costs the lead asked to keep: the CLI module loads only click, the catalog never loads genai-prices."""

from __future__ import annotations

import subprocess
import sys


def _loaded(code: str) -> set[str]:
    probe = (
        f"{code}\nimport sys\nprint(' '.join(m for m in ('pydantic', 'genai_prices') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True).stdout
    return set(out.split())


def test_cli_module_imports_neither_pydantic_nor_genai_prices():
    assert _loaded("import llmeng.cli.models") == set()


def test_catalog_lookup_does_not_import_genai_prices():
    assert _loaded(
        "from llmeng.models.catalog import load_catalog, lookup_model\nlookup_model(load_catalog(), 'gpt-4o')"
    ) == {"pydantic"}
