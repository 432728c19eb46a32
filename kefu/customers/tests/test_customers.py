

def test_identity_bouncing_is_set_and_cleared(db):
    from kefu.customers.models import CustomerIdentity
    from kefu.customers.services import IdentitySet, customer_create, identity_set_bouncing

    customer_create(name="退信客户", identities=IdentitySet(emails=["Bounce@Example.com"]))
    assert identity_set_bouncing(email="bounce@example.com", bouncing=True) == 1
    identity = CustomerIdentity.objects.get(value="bounce@example.com")
    assert identity.bouncing and identity.bounced_at is not None
    assert identity_set_bouncing(email="BOUNCE@example.com", bouncing=True) == 0  # already
    assert identity_set_bouncing(email="not an address", bouncing=True) == 0
    assert identity_set_bouncing(email="bounce@example.com", bouncing=False) == 1
    assert not CustomerIdentity.objects.get(value="bounce@example.com").bouncing
