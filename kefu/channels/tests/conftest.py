from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _chat_secret(settings):
    settings.KEFU_CHAT_HMAC_SECRET = "test-secret"
    settings.KEFU_CHAT_TEAM = ""
