"""The page ``login_required`` saves and the login returns to, for paths that are not plain ASCII.

The Location must be the path as the browser sent it, percent-encoded (an absolute URL is
accepted here when the apps agree on it: see test_agreement.py), never a 500.
"""

import pytest
from parity._support import ANN
from parity._support import login
from parity._support import path_of
from parity._support import redirect
from parity._support import redirect_of
from parity._support import state

PAGES = [
    "/protected/%D0%BA%D0%BB",  # Cyrillic: not even Latin-1
    "/protected/caf%C3%A9",  # Latin-1, sent as UTF-8
    "/protected/a%20b?q=1",  # a space
    "/protected/%D0%BA?q=%D0%BB&x=1",  # non-ASCII in the query too
]


@pytest.mark.parametrize("page", PAGES)
def test_login_required_sends_a_non_ascii_page_to_the_login_url(client, page):
    assert redirect_of(client.get(page)) == redirect("/login")


@pytest.mark.parametrize("page", PAGES)
def test_login_returns_to_a_non_ascii_page_percent_encoded(client, page):
    client.get(page)
    response = login(client)
    assert response.status_code == 302, response.text
    location = response.headers.get("location")
    assert location is not None and location.isascii(), location
    assert path_of(location) == page
    assert {**redirect_of(response), "location": None} == {**redirect("/home"), "location": None}


@pytest.mark.parametrize("page", PAGES)
def test_the_saved_non_ascii_page_opens_after_login(client, page):
    client.get(page)
    login(client)
    response = client.get(page)
    assert (response.status_code, response.json()) == (200, state(ANN))
