from __future__ import annotations

from typing import Any

from kefu.customers.choices import IdentityKind
from kefu.customers.models import Customer


def customer_dict(customer: Customer) -> dict[str, Any]:
    org = customer.organisation
    return {
        "id": customer.pk,
        "name": customer.name,
        "tier": customer.tier,
        "organisation": {"id": org.pk, "name": org.name, "tier": org.tier} if org else None,
        "email": customer.primary_identity(IdentityKind.EMAIL),
        "phone": customer.primary_identity(IdentityKind.PHONE),
        "identities": [
            {"kind": i.kind, "value": i.value, "is_primary": i.is_primary}
            for i in customer.identities.all()
        ],
        "tags": sorted(t.name for t in customer.tags.all()),
        **{
            name: getattr(customer, name)
            for name in (
                "language", "time_zone", "birthday", "gender", "city", "occupation", "notes",
                "preferences", "consent_marketing", "consent_marketing_at",
                "consent_data_processing", "consent_data_processing_at", "merged_into_id",
                "created_at", "updated_at",
            )
        },
    }
