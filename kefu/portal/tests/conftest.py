from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

LINK_RE = re.compile(r"http://testserver(/portal/login/link/[^/\s]+/)")


@pytest.fixture
def portal_client(cast) -> Client:
    """张三 signed in to the portal."""
    client = Client()
    client.force_login(cast.customer_user)
    return client


def link_from_outbox(index: int = -1) -> str:
    match = LINK_RE.search(mail.outbox[index].body)
    assert match, mail.outbox[index].body
    return match.group(1)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
