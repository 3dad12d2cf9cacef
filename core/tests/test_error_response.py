"""error_response: the one answer every adapter gives an error a guard raised."""

from __future__ import annotations

import logging

import pytest

from passport.core import AuthenticationError
from passport.core import PassportError
from passport.core.adapters import BodyError
from passport.core.adapters import error_response
from passport.core.adapters import error_status


class UpstreamDown(PassportError):
    status = 502


class NotAnHTTPError(PassportError):
    status = "502"


def test_an_error_with_a_status_is_answered_with_it_and_its_phrase_only():
    response = error_response(UpstreamDown("token endpoint said: client_secret=hunter2 is wrong"))
    assert response is not None
    assert (response.status, response.body) == (502, "Bad Gateway")
    assert response.header("Content-Type") == "text/plain; charset=utf-8"
    assert response.header("Cache-Control") == "no-store"
    assert "hunter2" not in repr(response)


def test_a_server_error_is_logged_with_its_traceback(caplog):
    with caplog.at_level(logging.WARNING, logger="passport.core"):
        error_response(UpstreamDown("unreachable"))
    [record] = caplog.records
    assert record.exc_info is not None
    assert "UpstreamDown answered with status 502" in record.getMessage()


def test_a_client_error_is_not_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="passport.core"):
        response = error_response(BodyError("Malformed request body (invalid JSON)"))
    assert response is not None and (response.status, response.body) == (400, "Malformed request body (invalid JSON)")
    assert caplog.records == []


def test_fail_with_error_keeps_its_challenges():
    error = AuthenticationError("Unauthorized", 401, ['Basic realm="x"', 'Bearer realm="y"'])
    response = error_response(error)
    assert response is not None
    assert response.header_list("WWW-Authenticate") == ['Basic realm="x"', 'Bearer realm="y"']


@pytest.mark.parametrize("error", [RuntimeError("boom"), NotAnHTTPError("x"), PassportError("no status")])
def test_anything_else_is_left_to_the_framework_as_a_500(error):
    assert error_status(error) is None
    assert error_response(error) is None


def test_an_error_outside_the_tree_never_gets_its_own_status():
    class Foreign(Exception):
        status = 404

    assert error_response(Foreign()) is None
