"""PiiMaskingFilter: what reaches a handler has its personal information masked."""

from __future__ import annotations

import io
import logging
import logging.config
import sys
import uuid
from collections.abc import Iterator

import pytest

from kefu.assist.logfilter import PiiMaskingFilter

MOBILE = "13800138000"
MOBILE_MASKED = "138****8000"
EMAIL = "zhang.wei@example.com"
EMAIL_MASKED = "z***@example.com"
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def stream_logger() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A private logger whose one handler carries the filter and writes to a buffer."""
    logger = logging.getLogger(f"kefu.test.logfilter.{uuid.uuid4().hex}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(PiiMaskingFilter())
    logger.addHandler(handler)
    yield logger, buffer
    logger.removeHandler(handler)


def make_record(msg: object, args: object = None, exc_info: object = None) -> logging.LogRecord:
    return logging.LogRecord("kefu.test", logging.INFO, __file__, 1, msg, args, exc_info)  # type: ignore[arg-type]


def test_pii_in_the_message_is_masked(stream_logger):
    logger, buffer = stream_logger
    logger.info(f"customer called from {MOBILE}")
    assert buffer.getvalue() == f"INFO customer called from {MOBILE_MASKED}\n"


def test_pii_in_positional_args_is_masked_after_formatting(stream_logger):
    logger, buffer = stream_logger
    logger.warning("reply to %s (ticket %d)", EMAIL, 42)
    assert buffer.getvalue() == f"WARNING reply to {EMAIL_MASKED} (ticket 42)\n"


def test_pii_in_mapping_args_is_masked(stream_logger):
    logger, buffer = stream_logger
    logger.info("id %(id)s phone %(phone)s", {"id": ID_NUMBER, "phone": MOBILE})
    out = buffer.getvalue()
    assert ID_NUMBER not in out and MOBILE not in out
    assert "110105********002X" in out and MOBILE_MASKED in out


def test_number_split_between_format_and_argument_is_masked(stream_logger):
    """Only the formatted message shows the whole number."""
    logger, buffer = stream_logger
    logger.info("mobile 138%s", "00138000")
    assert MOBILE not in buffer.getvalue() and MOBILE_MASKED in buffer.getvalue()


def test_record_is_left_formatted_without_args():
    record = make_record("card %s, 100%% sure", ("4111111111111111",))
    assert PiiMaskingFilter().filter(record) is True
    assert record.args is None
    assert record.getMessage() == "card ************1111, 100% sure"


def test_a_percent_sign_left_by_masking_stays_literal(stream_logger):
    logger, buffer = stream_logger
    logger.info("%s", f"50% off for {MOBILE} %d")
    assert buffer.getvalue() == f"INFO 50% off for {MOBILE_MASKED} %d\n"


def test_non_string_message_is_masked(stream_logger):
    logger, buffer = stream_logger
    logger.error(ValueError(f"bad contact {EMAIL}"))
    assert buffer.getvalue() == f"ERROR bad contact {EMAIL_MASKED}\n"


def test_text_without_pii_is_unchanged(stream_logger):
    logger, buffer = stream_logger
    logger.info("order %s shipped on %s, total %s", "20261122861424", "2026-11-30", "¥1,299.00")
    assert buffer.getvalue() == "INFO order 20261122861424 shipped on 2026-11-30, total ¥1,299.00\n"


def test_exc_info_is_left_alone_and_the_message_masked(stream_logger):
    logger, buffer = stream_logger
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc = sys.exc_info()
        logger.exception("failed for %s", MOBILE)
    record = make_record("failed for %s", (MOBILE,), exc)
    PiiMaskingFilter().filter(record)
    assert record.exc_info is exc
    out = buffer.getvalue()
    assert out.startswith(f"ERROR failed for {MOBILE_MASKED}\nTraceback")
    assert "RuntimeError: boom" in out


def test_arguments_that_do_not_fit_are_masked_and_the_record_kept():
    record = make_record("count %d for %s", (MOBILE, EMAIL))
    assert PiiMaskingFilter().filter(record) is True
    assert record.args == (MOBILE_MASKED, EMAIL_MASKED)
    with pytest.raises(TypeError):
        record.getMessage()


def test_kinds_limit_what_is_masked():
    record = make_record(f"{MOBILE} {EMAIL}")
    PiiMaskingFilter(kinds=["email"]).filter(record)
    assert record.getMessage() == f"{MOBILE} {EMAIL_MASKED}"


def test_unknown_kind_fails_at_configuration():
    with pytest.raises(ValueError):
        PiiMaskingFilter(kinds=["passport"])


def test_a_name_limits_masking_to_that_logger_tree():
    masking = PiiMaskingFilter("kefu.mail")
    inside = logging.LogRecord("kefu.mail.ingest", logging.INFO, __file__, 1, MOBILE, None, None)
    outside = logging.LogRecord("django.request", logging.INFO, __file__, 1, MOBILE, None, None)
    assert masking.filter(inside) and masking.filter(outside)
    assert inside.getMessage() == MOBILE_MASKED
    assert outside.getMessage() == MOBILE


def test_masking_twice_changes_nothing_more():
    record = make_record("call %s or %s", (MOBILE, EMAIL))
    masking = PiiMaskingFilter()
    masking.filter(record)
    once = record.getMessage()
    masking.filter(record)
    assert record.getMessage() == once == f"call {MOBILE_MASKED} or {EMAIL_MASKED}"


def test_dict_config_can_build_the_filter():
    """The LOGGING setting names it with "()"; built without touching global logging."""
    configurator = logging.config.DictConfigurator({"version": 1})
    built = configurator.configure_filter(
        {"()": "kefu.assist.logfilter.PiiMaskingFilter", "kinds": ["mobile"]}
    )
    assert isinstance(built, PiiMaskingFilter)
    record = make_record(f"{MOBILE} {EMAIL}")
    built.filter(record)
    assert record.getMessage() == f"{MOBILE_MASKED} {EMAIL}"
