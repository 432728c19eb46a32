"""Customer services that the API does not cover."""

from __future__ import annotations

import pytest

from kefu.core.errors import Conflict, ValidationFailed
from kefu.customers.services import organisation_create

pytestmark = pytest.mark.django_db


def test_organisation_create_normalises_domains():
    org = organisation_create(name=" 星辰科技 ", domains=["XingChen.CN", "xingchen.cn ", ""],
                              tier="gold")
    org.refresh_from_db()
    assert (org.name, org.domains, org.tier) == ("星辰科技", ["xingchen.cn"], "gold")


@pytest.mark.parametrize("kwargs, field", [
    ({"name": "  "}, "name"),
    ({"name": "某公司", "tier": "diamond"}, "tier"),
])
def test_organisation_create_rejects_bad_input(kwargs, field):
    with pytest.raises(ValidationFailed) as info:
        organisation_create(**kwargs)
    assert info.value.field == field


def test_organisation_names_are_unique():
    organisation_create(name="某公司")
    with pytest.raises(Conflict):
        organisation_create(name="某公司")
