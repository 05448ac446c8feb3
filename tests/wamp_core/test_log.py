from __future__ import annotations

import logging

import pytest
from wamp_core.log import make_logger, set_log_level


def test_formats_with_keywords(caplog: pytest.LogCaptureFixture) -> None:
    log = make_logger("wamp_core.test")
    with caplog.at_level(logging.INFO, logger="wamp_core.test"):
        log.info("joined {realm} as {authid}", realm="realm1", authid="joe")
        log.debug("hidden {x}", x=1)
    assert [r.getMessage() for r in caplog.records] == ["joined realm1 as joe"]


def test_logger_named_after_caller() -> None:
    assert make_logger().name == __name__


def test_failure_carries_traceback(caplog: pytest.LogCaptureFixture) -> None:
    log = make_logger("wamp_core.test")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        with caplog.at_level(logging.ERROR, logger="wamp_core.test"):
            log.failure("handler failed: {log_failure_text}")
    (record,) = caplog.records
    assert record.getMessage() == "handler failed: RuntimeError('boom')"
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_bad_format_still_logs(caplog: pytest.LogCaptureFixture) -> None:
    log = make_logger("wamp_core.test")
    with caplog.at_level(logging.INFO, logger="wamp_core.test"):
        log.info("missing {nope}")
    assert "missing {nope}" in caplog.records[0].getMessage()


def test_bad_level_names_allowed_values() -> None:
    with pytest.raises(ValueError, match="log_level must be one of"):
        set_log_level("loud")
