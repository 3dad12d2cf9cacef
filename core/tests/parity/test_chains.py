"""Strategy chains: order, which failure wins, pass and redirect, on every app."""

from parity._support import ANN
from parity._support import BOB
from parity._support import IDP
from parity._support import as_sent
from parity._support import me
from parity._support import redirect
from parity._support import redirect_of
from parity._support import refusal_of
from parity._support import refused
from parity._support import state


def test_a_failure_hands_over_to_the_next_strategy(client):
    assert client.get("/chain/deny-ann").json() == state(ANN, {"message": "Welcome, Ann."})


def test_the_first_success_ends_the_chain(client):
    assert client.get("/chain/ann-bob").json()["user"] == ANN


def test_every_string_challenge_is_sent_in_chain_order(client):
    assert refusal_of(client.get("/chain/challenges")) == refused(
        401, *as_sent(client, 'Basic realm="a"', 'Bearer realm="b"')
    )


def test_reversing_the_chain_reverses_the_challenges(client):
    assert refusal_of(client.get("/chain/challenges/reversed")) == refused(
        401, *as_sent(client, 'Bearer realm="b"', 'Basic realm="a"')
    )


def test_the_first_status_given_wins_and_drops_the_challenges(client):
    assert refusal_of(client.get("/chain/statuses")) == refused(400)


def test_a_403_never_carries_its_challenge(client):
    assert refusal_of(client.get("/chain/forbid-first")) == refused(403)


def test_pass_ends_the_chain_and_reaches_the_view_anonymous(client):
    response = client.get("/chain/pass")
    assert (response.status_code, response.json()) == (200, state())
    assert me(client) is None


def test_pass_after_a_failure_reaches_the_view(client):
    response = client.get("/chain/deny-pass")
    assert (response.status_code, response.json()) == (200, state())


def test_pass_leaves_the_logged_in_user_in_place(client):
    client.post("/login-as/bob")
    assert client.get("/chain/pass").json() == state(BOB)


def test_a_strategy_redirect_is_a_302_with_an_empty_body(client):
    assert redirect_of(client.get("/redirect/302")) == redirect(IDP)


def test_a_strategy_redirect_keeps_its_303(client):
    assert redirect_of(client.get("/redirect/303")) == redirect(IDP, 303)


def test_a_strategy_redirect_to_an_iri_is_sent_percent_encoded(client):
    expected = "https://idp.example/%D0%B2%D1%85%D0%BE%D0%B4?next=/%D0%BA%D0%BB&x=a%20b"
    assert redirect_of(client.get("/redirect/iri")) == redirect(expected)


def test_a_redirect_after_a_failure_ends_the_chain(client):
    assert redirect_of(client.get("/chain/redirect")) == redirect(IDP)


def test_a_redirect_sets_no_user(client):
    client.get("/redirect/302")
    assert me(client) is None


def test_an_error_ends_the_chain_before_the_next_strategy(client):
    assert client.get("/chain/error").status_code == 500
    assert me(client) is None
