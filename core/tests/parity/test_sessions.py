"""Login sessions: form login, restore, regeneration, logout, login_required, async login."""

from parity._support import ANN
from parity._support import BOB
from parity._support import login
from parity._support import me
from parity._support import redirect
from parity._support import redirect_of
from parity._support import session_keys
from parity._support import state

# -- login through LocalStrategy -----------------------------------------------------------------


def test_a_form_login_redirects_and_the_next_request_restores_the_user(client):
    assert redirect_of(login(client)) == redirect("/home")
    assert me(client) == ANN


def test_a_wrong_password_redirects_back_with_the_verify_message_flashed(client):
    assert redirect_of(login(client, password="wrong")) == redirect("/login")
    assert client.get("/flashes").json() == {"flashes": [["error", "Incorrect username or password."]]}
    assert me(client) is None


def test_a_missing_password_redirects_back_with_missing_credentials_flashed(client):
    response = client.post("/login", data={"username": "ann"})
    assert redirect_of(response) == redirect("/login")
    assert client.get("/flashes").json() == {"flashes": [["error", "Missing credentials"]]}


def test_a_json_login_reaches_the_view(client):
    response = client.post("/local", json={"username": "ann", "password": "correct horse"})
    assert (response.status_code, response.json()) == (200, state(ANN, {}))
    assert me(client) == ANN


def test_the_session_cookie_changes_on_login(client):
    client.post("/plant")
    before = client.cookies.get("session")
    assert before is not None
    login(client)
    after = client.cookies.get("session")
    assert after is not None
    assert after != before


def test_login_regenerates_the_session_dropping_what_was_there(client):
    client.post("/plant")
    login(client)
    assert session_keys(client) == ["passport"]


def test_a_later_login_replaces_the_user(client):
    client.post("/login-as/bob")
    login(client)
    assert me(client) == ANN


# -- login_user / alogin and logout --------------------------------------------------------------


def test_login_in_a_view_sets_the_user_at_once_and_for_later_requests(client):
    response = client.post("/login-as/bob")
    assert (response.status_code, response.json()) == (200, state(BOB))
    assert me(client) == BOB


def test_logout_clears_the_user_at_once_and_for_later_requests(client):
    login(client)
    response = client.post("/logout")
    assert (response.status_code, response.json()) == (200, state())
    assert me(client) is None
    assert session_keys(client) == []


def test_alogin_in_an_async_view_sets_the_user_at_once_and_for_later_requests(client):
    response = client.post("/async/login-as/bob")
    assert (response.status_code, response.json()) == (200, state(BOB))
    assert me(client) == BOB


def test_alogin_in_an_async_view_regenerates_the_session(client):
    client.post("/plant")
    client.post("/async/login-as/bob")
    assert session_keys(client) == ["passport"]


def test_alogout_in_an_async_view_clears_the_user(client):
    login(client)
    response = client.post("/async/logout")
    assert (response.status_code, response.json()) == (200, state())
    assert me(client) is None
    assert session_keys(client) == []


def test_a_guard_in_front_of_an_async_view_logs_in(client):
    response = client.get("/ann/async")
    assert (response.status_code, response.json()) == (200, state(ANN, {"message": "Welcome, Ann."}))
    assert me(client) == ANN


# -- restoring -----------------------------------------------------------------------------------


def test_an_empty_session_is_anonymous(client):
    assert client.get("/me").json() == state()


def test_a_user_the_deserializer_no_longer_finds_is_anonymous(client):
    assert client.post("/login-as/ghost").status_code == 200
    response = client.get("/me")
    assert (response.status_code, response.json()) == (200, state())


def test_a_tampered_session_cookie_is_anonymous(client):
    login(client)
    cookie = client.cookies.get("session")
    tampered = cookie[:-4] + ("AAAA" if not cookie.endswith("AAAA") else "BBBB")
    client.cookies.clear()
    response = client.get("/me", headers={"Cookie": f"session={tampered}"})
    assert (response.status_code, response.json()) == (200, state())


def test_a_garbage_session_cookie_is_anonymous(client):
    response = client.get("/me", headers={"Cookie": "session=not-a-session"})
    assert (response.status_code, response.json()) == (200, state())


# -- login_required ------------------------------------------------------------------------------


def test_login_required_redirects_an_anonymous_user_to_the_login_url(client):
    assert redirect_of(client.get("/protected")) == redirect("/login")


def test_login_required_lets_a_logged_in_user_through(client):
    login(client)
    response = client.get("/protected")
    assert (response.status_code, response.json()) == (200, state(ANN))


def test_login_returns_to_the_page_login_required_saved(client):
    client.get("/protected/page?tab=1&sort=name")
    assert redirect_of(login(client)) == redirect("/protected/page?tab=1&sort=name")
    assert client.get("/protected/page?tab=1&sort=name").json() == state(ANN)


def test_the_saved_page_is_used_once(client):
    client.get("/protected/page")
    login(client)
    assert "returnTo" not in session_keys(client)
    assert redirect_of(login(client)) == redirect("/home")


# -- security items 2, 4, 5, 7: revoking sessions, cookie sessions included -----------------------


def test_changing_the_session_version_logs_the_user_out_everywhere(clients):
    from parity._support import SESSION_VERSIONS

    for name, client in clients.items():
        assert client.post("/login-as/ann").status_code == 200, name
        assert client.get("/me").json()["user"] == {"id": "ann", "name": "Ann"}, name
    copied = {name: dict(client.cookies) for name, client in clients.items()}
    SESSION_VERSIONS["ann"] = 1  # "log out everywhere", a password change
    for name, client in clients.items():
        assert client.get("/me").json()["user"] is None, name
        client.cookies.clear()
        client.cookies.update(copied[name])  # a copied cookie is no better
        assert client.get("/me").json()["user"] is None, name


def test_a_new_login_after_the_revocation_works_and_other_users_keep_their_sessions(client):
    from parity._support import SESSION_VERSIONS

    assert client.post("/login-as/bob").status_code == 200
    SESSION_VERSIONS["ann"] = 5
    assert client.get("/me").json()["user"]["id"] == "bob"
    assert client.post("/login-as/ann").status_code == 200
    assert client.get("/me").json()["user"]["id"] == "ann"
