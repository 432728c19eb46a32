"""Host-site identity: valid, wrong and stale signatures; what a hello does with them."""

from __future__ import annotations

import time

import pytest

from kefu.channels.chat.signing import sign_customer, signature_valid
from kefu.channels.models import ChatVisitor, IdentityKind
from kefu.channels.services import visitor_hello
from kefu.customers.models import Customer


def signed(customer_id="u-42", email="zhang@example.com", ts=None, name="张三"):
    ts = int(time.time()) if ts is None else ts
    return {"customer_id": customer_id, "name": name, "email": email, "timestamp": ts,
            "signature": sign_customer(customer_id, email, ts)}


def test_signature_valid_wrong_and_stale():
    ident = signed()
    assert signature_valid(ident["customer_id"], ident["email"], ident["timestamp"], ident["signature"])
    # Wrong: another email, another id, a tampered signature, garbage.
    assert not signature_valid("u-42", "li@example.com", ident["timestamp"], ident["signature"])
    assert not signature_valid("u-43", ident["email"], ident["timestamp"], ident["signature"])
    assert not signature_valid("u-42", ident["email"], ident["timestamp"], "0" * 64)
    assert not signature_valid("u-42", ident["email"], "yesterday", ident["signature"])
    assert not signature_valid("u-42", ident["email"], ident["timestamp"], None)
    # Stale: more than a day old (or from the far future).
    old = signed(ts=int(time.time()) - 24 * 3600 - 5)
    assert not signature_valid(old["customer_id"], old["email"], old["timestamp"], old["signature"])
    future = signed(ts=int(time.time()) + 24 * 3600 + 5)
    assert not signature_valid(future["customer_id"], future["email"], future["timestamp"],
                               future["signature"])


def test_no_secret_configured_means_nobody_is_signed(settings):
    ident = signed()
    settings.KEFU_CHAT_HMAC_SECRET = ""
    assert not signature_valid(ident["customer_id"], ident["email"], ident["timestamp"],
                               ident["signature"])


def test_signed_hello_attaches_the_existing_customer(cast):
    hello = visitor_hello(token=None, identity=signed())
    assert hello.token and not hello.identity_refused
    assert hello.visitor.kind == IdentityKind.SIGNED
    assert hello.visitor.customer == cast.customer  # found by the signed email
    # Another browser of the same host customer: the same visitor (conversation).
    again = visitor_hello(token=None, identity=signed())
    assert again.visitor.pk == hello.visitor.pk and again.token != hello.token


@pytest.mark.parametrize("identity", [
    {**signed(), "signature": "00" * 32},
    signed(ts=int(time.time()) - 25 * 3600),
    {**signed(), "email": "li@example.com"},  # signature over another email
])
def test_bad_or_stale_signature_falls_back_to_anonymous(cast, identity):
    hello = visitor_hello(token=None, identity=identity)
    assert hello.identity_refused
    assert hello.visitor.kind == IdentityKind.ANONYMOUS
    assert hello.visitor.customer is None and hello.visitor.email == ""
    assert hello.visitor.external_id is None


def test_signed_conversation_is_not_reopened_by_its_token_alone(db):
    first = visitor_hello(token=None, identity=signed(email="new@example.com"))
    assert first.visitor.kind == IdentityKind.SIGNED
    later = visitor_hello(token=first.token, identity=None)
    assert later.visitor.pk != first.visitor.pk


def test_form_identity_is_kept_until_the_first_message(db):
    hello = visitor_hello(token=None, identity={"name": "王五", "email": "Wang@Example.com"})
    visitor = ChatVisitor.objects.get(pk=hello.visitor.pk)
    assert (visitor.kind, visitor.name, visitor.email) == (IdentityKind.FORM, "王五", "wang@example.com")
    assert visitor.customer is None and not Customer.objects.filter(name="王五").exists()


def test_form_identity_with_a_bad_email_is_refused(db):
    hello = visitor_hello(token=None, identity={"name": "王五", "email": "not-an-email"})
    assert hello.identity_refused and hello.visitor.email == ""


def test_unknown_token_gets_a_new_visitor_and_a_known_one_is_kept(db):
    first = visitor_hello(token="guessed-token-guessed-token", identity=None)
    assert first.token and first.token != "guessed-token-guessed-token"
    again = visitor_hello(token=first.token, identity=None)
    assert again.visitor.pk == first.visitor.pk and again.token is None
