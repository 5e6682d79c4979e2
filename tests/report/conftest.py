from __future__ import annotations

import pytest

# The renderer tests use the selection tests' small catalog: one fixture file for both.
from models.conftest import TODAY, fixture_catalog  # type: ignore[import-not-found]

from llmeng.models.catalog import Catalog


@pytest.fixture
def catalog() -> Catalog:
    return fixture_catalog()


@pytest.fixture
def today():  # type: ignore[no-untyped-def]
    return TODAY
