"""Inbound mail parsing: pure Python, no Django imports (see parse.py)."""

from kefu.mail.parse import Address, Attachment, ParsedMail, parse_message

__all__ = ["Address", "Attachment", "ParsedMail", "parse_message"]
