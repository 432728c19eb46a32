from __future__ import annotations

import pytest

from kefu.jobs.tests import handlers


@pytest.fixture(autouse=True)
def _clean_records():
    handlers.RECORDED.clear()
    yield
    handlers.RECORDED.clear()
