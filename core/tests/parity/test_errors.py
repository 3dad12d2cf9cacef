"""A strategy's error reaches each framework's error handling with the same status everywhere."""

from parity._support import me


def test_a_strategy_raising_is_a_500(client):
    assert client.get("/error/runtime").status_code == 500


def test_a_strategy_error_never_logs_in(client):
    client.get("/error/runtime")
    assert me(client) is None


def test_a_passport_error_with_a_status_is_answered_with_that_status(client):
    assert client.get("/error/upstream").status_code == 502


def test_a_route_naming_an_unknown_strategy_is_a_500(client):
    assert client.get("/error/unknown").status_code == 500
