"""Credentials in headers, friendly and hostile, through the shipped API-key and bearer strategies."""

from parity._support import ANN
from parity._support import BOB
from parity._support import TOKEN
from parity._support import refusal_of
from parity._support import refused
from parity._support import state

INVALID_REQUEST = 'Bearer realm="Users", error="invalid_request"'


def test_an_api_key_authenticates(client):
    assert client.get("/api/key", headers={"X-API-Key": "key-ann"}).json() == state(ANN, {})


def test_the_api_key_header_name_is_case_insensitive(client):
    assert client.get("/api/key", headers={"x-api-key": "key-ann"}).json() == state(ANN, {})
    assert client.get("/api/key", headers={"X-API-KEY": "key-ann"}).json() == state(ANN, {})


def test_a_missing_api_key_is_a_401_without_challenges(client):
    assert refusal_of(client.get("/api/key")) == refused(401)


def test_a_wrong_api_key_is_a_401(client):
    assert refusal_of(client.get("/api/key", headers={"X-API-Key": "key-nobody"})) == refused(401)


def test_two_api_key_headers_are_a_400(client):
    response = client.get("/api/key", headers=[("X-API-Key", "key-ann"), ("X-API-Key", "key-ann")])
    assert refusal_of(response) == refused(400)


def test_two_different_api_key_headers_are_a_400(client):
    response = client.get("/api/key", headers=[("X-API-Key", "key-nobody"), ("X-API-Key", "key-ann")])
    assert refusal_of(response) == refused(400)


def test_a_non_ascii_api_key_is_a_400(client):
    response = client.get("/api/key", headers={"X-API-Key": "kéy-ann".encode()})
    assert refusal_of(response) == refused(400)


def test_a_bearer_token_authenticates(client):
    response = client.get("/api/bearer", headers={"Authorization": "Bearer token-bob"})
    assert (response.status_code, response.json()) == (200, state(BOB, {}))


def test_a_missing_bearer_token_is_a_401_with_the_bare_challenge(client):
    assert refusal_of(client.get("/api/bearer")) == refused(401, 'Bearer realm="Users"')


def test_a_wrong_bearer_token_is_a_401_with_invalid_token(client):
    response = client.get("/api/bearer", headers={"Authorization": "Bearer token-nobody"})
    assert refusal_of(response) == refused(401, 'Bearer realm="Users", error="invalid_token"')


def test_a_non_ascii_bearer_token_is_a_400_invalid_request(client):
    # UTF-8 bytes with no CR or LF: the header itself is well formed, its token is not.
    response = client.get("/api/bearer", headers={"Authorization": "Bearer tökén-bob".encode()})
    assert refusal_of(response) == refused(400, INVALID_REQUEST)


def test_a_latin_1_bearer_token_is_a_400_invalid_request(client):
    response = client.get("/api/bearer", headers={"Authorization": b"Bearer token-b\xf6b"})
    assert refusal_of(response) == refused(400, INVALID_REQUEST)


def test_two_authorization_headers_are_a_400_invalid_request(client):
    headers = [("Authorization", "Bearer token-bob"), ("Authorization", "Bearer token-bob")]
    assert refusal_of(client.get("/api/bearer", headers=headers)) == refused(400, INVALID_REQUEST)


def test_a_bearer_scheme_without_a_token_is_a_400_invalid_request(client):
    response = client.get("/api/bearer", headers={"Authorization": "Bearer "})
    assert refusal_of(response) == refused(400, INVALID_REQUEST)


def test_another_scheme_is_not_a_bearer_token(client):
    response = client.get("/api/bearer", headers={"Authorization": "Basic YW5uOmNvcnJlY3QgaG9yc2U="})
    assert refusal_of(response) == refused(401, 'Bearer realm="Users"')


def test_either_credential_authenticates_a_chain(client):
    assert client.get("/api/either", headers={"X-API-Key": "key-ann"}).json()["user"] == ANN
    assert client.get("/api/either", headers={"Authorization": "Bearer token-bob"}).json()["user"] == BOB


def test_a_chain_without_credentials_sends_only_the_string_challenges(client):
    assert refusal_of(client.get("/api/either")) == refused(401, 'Bearer realm="Users"')


def test_a_bad_bearer_header_wins_over_a_missing_api_key(client):
    response = client.get("/api/either", headers={"Authorization": "Bearer"})
    assert refusal_of(response) == refused(400, INVALID_REQUEST)


def test_51_a_bearer_token_in_the_query_is_not_read_by_default(client):
    response = client.get(f"/api/bearer?access_token={TOKEN}")
    assert response.status_code == 401
    assert response.headers.get_list("WWW-Authenticate") == ['Bearer realm="Users"']


def test_51_a_bearer_token_in_the_form_body_is_not_read_by_default(client):
    response = client.post("/api/bearer/form", data={"access_token": TOKEN})
    assert response.status_code == 401


# -- security item 51: credentials for two strategies of one chain ---------------------------------


def test_51_a_wrong_bearer_token_beside_a_valid_key_is_refused_not_authenticated(client):
    from parity._support import API_KEY

    response = client.get("/api/either", headers={"Authorization": "Bearer nope", "X-API-Key": API_KEY})
    assert (response.status_code, response.text) == (400, "Bad Request")


def test_51_one_credential_of_either_kind_still_works(client):
    from parity._support import API_KEY

    assert client.get("/api/either", headers={"X-API-Key": API_KEY}).status_code == 200
    assert client.get("/api/either", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_51_a_route_that_allows_several_credentials_tries_them_in_turn(client):
    from parity._support import API_KEY

    response = client.get("/api/either/lenient", headers={"Authorization": "Bearer nope", "X-API-Key": API_KEY})
    assert response.status_code == 200
