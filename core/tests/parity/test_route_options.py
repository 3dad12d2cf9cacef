"""Route options (DESIGN §3), each observed the same way on Flask, Starlette, FastAPI and Django."""

import pytest
from parity._support import ANN
from parity._support import BOB
from parity._support import WELCOME
from parity._support import as_sent
from parity._support import me
from parity._support import redirect
from parity._support import redirect_of
from parity._support import refusal_of
from parity._support import refused
from parity._support import session_keys
from parity._support import state

# -- no options ----------------------------------------------------------------------------------


def test_a_success_reaches_the_view_with_the_user_and_the_info(client):
    response = client.get("/ann")
    assert (response.status_code, response.json()) == (200, state(ANN, WELCOME))


def test_a_success_logs_in_for_the_following_requests(client):
    client.get("/ann")
    assert me(client) == ANN


def test_a_success_without_info_gives_an_empty_auth_info(client):
    assert client.get("/bob/api").json() == state(BOB, {})


def test_a_failure_is_a_401_with_the_challenge_as_plain_text(client):
    assert refusal_of(client.get("/deny")) == refused(401, 'Basic realm="a"')


def test_a_failure_leaves_the_logged_in_user_alone(client):
    client.post("/login-as/bob")
    assert client.get("/deny").status_code == 401
    assert me(client) == BOB


# -- redirects -----------------------------------------------------------------------------------


def test_success_redirect_logs_in_and_redirects(client):
    assert redirect_of(client.get("/ann/redirect")) == redirect("/home")
    assert me(client) == ANN


def test_a_non_ascii_success_redirect_is_sent_percent_encoded(client):
    assert redirect_of(client.get("/ann/redirect-iri")) == redirect("/bienvenue/%C3%A9")


def test_failure_redirect_redirects_and_stays_anonymous(client):
    assert redirect_of(client.get("/deny/redirect")) == redirect("/login")
    assert me(client) is None


def test_success_return_to_or_redirect_without_a_saved_page_uses_its_url(client):
    assert redirect_of(client.get("/ann/return")) == redirect("/home")
    assert me(client) == ANN


# -- flashes -------------------------------------------------------------------------------------

FLASHES = {
    "/flash/success/true": ("/home", [["success", "Welcome, Ann."]]),
    "/flash/success/string": ("/home", [["success", "Signed in."]]),
    "/flash/success/object": ("/home", [["info", "Hello again."]]),
    "/flash/failure/true": ("/login", [["notice", "Account locked."]]),
    "/flash/failure/string": ("/login", [["error", "Try again."]]),
    "/flash/failure/object": ("/login", [["warning", "Careful."]]),
}


@pytest.mark.parametrize("path", list(FLASHES))
def test_a_flash_option_flashes_its_category_and_message(client, path):
    location, flashes = FLASHES[path]
    assert redirect_of(client.get(path)) == redirect(location)
    assert client.get("/flashes").json() == {"flashes": flashes}


def test_a_failure_flash_is_read_once_and_then_gone(client):
    client.get("/flash/failure/true")
    assert client.get("/flashes").json() == {"flashes": [["notice", "Account locked."]]}
    assert client.get("/flashes").json() == {"flashes": []}


def test_a_failure_flash_without_a_redirect_flashes_and_answers_401(client):
    assert refusal_of(client.get("/flash/failure/no-redirect")) == refused(401)
    assert client.get("/flashes").json() == {"flashes": [["error", "Wrong password."]]}


def test_failure_flashes_accumulate_in_order(client):
    client.get("/flash/failure/true")
    client.get("/flash/failure/string")
    assert client.get("/flashes").json() == {"flashes": [["notice", "Account locked."], ["error", "Try again."]]}


def test_a_success_flash_survives_the_login_regeneration(client):
    client.post("/plant")
    client.get("/flash/success/true")
    assert me(client) == ANN
    assert client.get("/flashes").json() == {"flashes": [["success", "Welcome, Ann."]]}


# -- session messages ----------------------------------------------------------------------------

MESSAGES = {
    "/message/success/true": ("/home", ["Welcome, Ann."]),
    "/message/success/string": ("/home", ["Signed in."]),
    "/message/failure/true": ("/login", ["Wrong password."]),
    "/message/failure/string": ("/login", ["Try again."]),
}


@pytest.mark.parametrize("path", list(MESSAGES))
def test_a_message_option_appends_to_the_session_messages(client, path):
    location, messages = MESSAGES[path]
    assert redirect_of(client.get(path)) == redirect(location)
    assert client.get("/messages").json() == {"messages": messages}


def test_failure_messages_accumulate(client):
    client.get("/message/failure/true")
    client.get("/message/failure/string")
    assert client.get("/messages").json() == {"messages": ["Wrong password.", "Try again."]}


# -- session=False, keep_session_info, auth_info=False -------------------------------------------


def test_session_false_reaches_the_view_with_the_user(client):
    assert client.get("/ann/api").json() == state(ANN, WELCOME)


def test_session_false_sets_no_cookie_and_the_next_request_is_anonymous(client):
    response = client.get("/ann/api")
    assert "set-cookie" not in response.headers
    assert me(client) is None


def test_session_false_does_not_replace_the_logged_in_user(client):
    client.post("/login-as/bob")
    assert client.get("/ann/api").json() == state(ANN, WELCOME)
    assert me(client) == BOB


def test_a_login_drops_the_keys_planted_before_it(client):
    client.post("/plant")
    client.get("/ann")
    assert session_keys(client) == ["passport"]


def test_keep_session_info_keeps_the_keys_planted_before_login(client):
    client.post("/plant")
    client.get("/ann/keep")
    assert session_keys(client) == ["passport", "planted"]
    assert me(client) == ANN


def test_auth_info_false_leaves_auth_info_unset(client):
    assert client.get("/ann/no-info").json() == state(ANN, None)


# -- fail_with_error -----------------------------------------------------------------------------


def test_fail_with_error_answers_401_with_every_challenge(client):
    assert refusal_of(client.get("/strict")) == refused(401, *as_sent(client, 'Basic realm="a"', 'Bearer realm="b"'))


def test_fail_with_error_answers_the_first_status_without_challenges(client):
    assert refusal_of(client.get("/strict/400")) == refused(400)


def test_failure_redirect_wins_over_fail_with_error(client):
    assert redirect_of(client.get("/strict/redirect")) == redirect("/login")


# -- assign_property and authorize ---------------------------------------------------------------


def test_assign_property_sets_the_account_and_skips_login_and_redirects(client):
    response = client.get("/assign")
    assert (response.status_code, response.json()) == (200, state(None, WELCOME, ANN))
    assert me(client) is None


def test_assign_property_with_auth_info_false_sets_only_the_account(client):
    assert client.get("/assign/no-info").json() == state(None, None, ANN)


def test_authorize_sets_the_account_and_leaves_the_login_alone(client):
    client.post("/login-as/bob")
    keys = session_keys(client)
    response = client.get("/link", headers={"X-API-Key": "key-ann"})
    assert (response.status_code, response.json()) == (200, state(BOB, {}, ANN))
    assert me(client) == BOB
    assert session_keys(client) == keys


def test_authorize_for_an_anonymous_request_leaves_it_anonymous(client):
    assert client.get("/link", headers={"X-API-Key": "key-ann"}).json() == state(None, {}, ANN)
    assert me(client) is None


def test_authorize_always_assigns_the_account_whatever_assign_property_says(client):
    assert client.get("/link/property", headers={"X-API-Key": "key-ann"}).json() == state(None, {}, ANN)


def test_a_failed_authorize_is_a_401(client):
    assert refusal_of(client.get("/link")) == refused(401)


# -- a session never grows without bound ------------------------------------------------------------


def test_unread_failure_flashes_keep_only_the_newest_twenty(client):
    for _ in range(200):  # an attacker's failed logins, or a user who never reads the page
        client.get("/flash/failure/true")
    client.get("/flash/failure/string")
    flashes = client.get("/flashes").json()["flashes"]
    assert len(flashes) == 20
    assert flashes[-1] == ["error", "Try again."]


def test_session_messages_keep_only_the_newest_twenty(client):
    for _ in range(200):
        client.get("/message/failure/true")
    client.get("/message/failure/string")
    messages = client.get("/messages").json()["messages"]
    assert len(messages) == 20
    assert messages[-1] == "Try again."


def test_two_hundred_failed_logins_leave_the_session_cookie_small(client):
    for _ in range(200):
        client.get("/flash/failure/true")
        client.get("/message/failure/true")
    cookie = next(c for c in client.cookies.jar if c.name == "session")
    assert len(cookie.value) < 2000  # browsers drop a cookie over 4 kB: every later request would be anonymous


def test_32_a_passport_redirect_sends_no_referrer(client):
    """An OAuth callback's URL carries the code: the page a redirect leads to must not get it."""
    for path in ("/ann/redirect", "/deny/redirect"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Referrer-Policy"] == "no-referrer"
