"""The README's example runs as printed: the GitHub-style subclass, wired into Flask and FastAPI.

The provider here is the Authlib server on 127.0.0.1 standing in for GitHub: the test changes
the endpoints and the callback URL (GitHub's are not reachable), nothing else.
"""

from __future__ import annotations

import pathlib
import re
import sys
import types
from urllib.parse import urlsplit

import pytest
from oauth2_helpers import CALLBACK
from oauth2_helpers import CLIENT_ID

README = pathlib.Path(__file__).parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


@pytest.fixture
def example(provider, monkeypatch):
    """Run the README's github.py and Flask blocks; point the strategy at the test provider."""
    monkeypatch.setenv("GITHUB_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("GITHUB_CLIENT_SECRET", provider.client_secret)
    monkeypatch.setenv("FLASK_SECRET_KEY", "test-secret")
    monkeypatch.setenv("SESSION_SECRET", "test-secret")
    github = types.ModuleType("github")
    exec(compile(BLOCKS[0], "README.md:github.py", "exec"), github.__dict__)
    monkeypatch.setitem(sys.modules, "github", github)
    namespace: dict = {"__name__": "readme_app"}
    exec(compile(BLOCKS[1], "README.md:flask", "exec"), namespace)

    class LocalGitHub(github.GitHubStrategy):
        profile_url = provider.url + "/user"

    passport = namespace["passport"]
    passport.unuse("github")
    passport.use(
        LocalGitHub(
            namespace["verify"],
            client_id=CLIENT_ID,
            client_secret=provider.client_secret,
            callback_url=CALLBACK,
            authorization_url=provider.authorization_url,
            token_url=provider.token_url,
        )
    )
    return namespace


def callback_path(location: str) -> str:
    return "/auth/github/callback?" + urlsplit(location).query


def test_the_flask_example_signs_a_user_in(example, browser, provider):
    client = example["app"].test_client()
    start = client.get("/auth/github")
    assert start.status_code == 302
    assert start.headers["Location"].startswith(provider.authorization_url + "?")
    done = client.get(callback_path(browser.consent(start.headers["Location"])))
    assert done.status_code == 302
    assert done.headers["Location"] == "/"
    assert client.get("/").text == "Hello Ann Example"
    assert example["ACCOUNTS"] == {("github", "12345"): {"id": 1, "name": "Ann Example"}}


def test_the_flask_example_sends_a_forged_callback_to_the_login_page(example, browser, provider):
    start = example["app"].test_client().get("/auth/github")
    location = browser.consent(start.headers["Location"])
    other_browser = example["app"].test_client()
    done = other_browser.get(callback_path(location))
    assert (done.status_code, done.headers["Location"]) == (302, "/login")
    assert provider.token_requests == []


async def test_the_fastapi_example_signs_a_user_in(example, browser, provider):
    import asyncio

    import httpx

    exec(compile(BLOCKS[2], "README.md:fastapi", "exec"), example)
    transport = httpx.ASGITransport(app=example["api"])
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        start = await client.get("/auth/github")
        assert start.status_code == 302
        location = await asyncio.to_thread(browser.consent, start.headers["location"])
        done = await client.get(callback_path(location))
        assert done.status_code == 302
        assert done.headers["location"] == "/"
    assert ("github", "12345") in example["ACCOUNTS"]
