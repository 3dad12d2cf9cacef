"""What the parity tests share besides fixtures: the users, expected shapes, and body builders.

Imported as ``parity._support`` (the core's pytest configuration puts ``tests/`` on the path).
"""

from collections.abc import Callable
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

import httpx

APPS = ["flask", "starlette", "fastapi", "django"]

ANN = {"id": "ann", "name": "Ann"}
BOB = {"id": "bob", "name": "Bob"}
GHOST = {"id": "ghost", "name": "Ghost"}  # can log in, but the deserializer no longer finds it
USERS = {"ann": ANN, "bob": BOB}


class SessionVersions(dict[str, int]):
    """Each user's session version (``Passport.session_version``): a test bumps one to revoke the
    user's sessions. An app whose framework keeps logins itself (Django: the session auth hash)
    registers a watcher, called with the user's name on every change."""

    def __init__(self) -> None:
        super().__init__()
        self.watchers: list[Callable[[str], None]] = []

    def __setitem__(self, name: str, version: int) -> None:
        super().__setitem__(name, version)
        for watcher in list(self.watchers):
            watcher(name)


SESSION_VERSIONS = SessionVersions()
PASSWORD = "correct horse"
API_KEY = "key-ann"
TOKEN = "token-bob"
WELCOME = {"message": "Welcome, Ann."}  # the info the "ann" strategy succeeds with
IDP = "https://idp.example/authorize?client_id=parity&state=a%20b&next=%2Fhome"
IDP_IRI = "https://idp.example/вход?next=/кл&x=a b"  # not a URI: written into Location as one

MIB = 1024 * 1024
MAX_BODY = MIB  # passport's cap on form, JSON and multipart bodies


def state(user: Any = None, auth_info: Any = None, account: Any = None) -> dict[str, Any]:
    """What a view answers: what it saw of the user, the auth info and the account."""
    return {"user": user, "auth_info": auth_info, "account": account}


def redirect(location: str, status: int = 302) -> dict[str, Any]:
    """A redirect passport sends: Passport's empty body, never cached."""
    return {"status": status, "location": location, "body": b"", "content_length": "0", "cache_control": "no-store"}


def redirect_of(response: httpx.Response) -> dict[str, Any]:
    headers = response.headers
    return {
        "status": response.status_code,
        "location": headers.get("location"),
        "body": response.content,
        "content_length": headers.get("content-length"),
        "cache_control": headers.get("cache-control"),
    }


def refused(status: int, *challenges: str) -> dict[str, Any]:
    """An all-failed answer: the reason phrase as plain text, every challenge (401 only), not cached."""
    return {
        "status": status,
        "www_authenticate": list(challenges),
        "body": HTTPStatus(status).phrase,
        "content_type": "text/plain; charset=utf-8",
        "cache_control": "no-store",
    }


def app_of(client: httpx.Client) -> str:
    """Which app ``client`` talks to (one of :data:`APPS`)."""
    return client.parity_app  # type: ignore[attr-defined,no-any-return]  # set by make_client


def as_sent(client: httpx.Client, *challenges: str) -> tuple[str, ...]:
    """The ``WWW-Authenticate`` field values ``client``'s app sends for ``challenges``.

    Django keeps one value per header name, so passport.django sends several challenges as one
    comma-separated field (RFC 9110 §5.3 makes that equivalent; the README says so); every other
    app sends one field per challenge.
    """
    if app_of(client) == "django" and len(challenges) > 1:
        return (", ".join(challenges),)
    return challenges


def refusal_of(response: httpx.Response) -> dict[str, Any]:
    headers = response.headers
    return {
        "status": response.status_code,
        "www_authenticate": headers.get_list("www-authenticate"),
        "body": response.text,
        "content_type": headers.get("content-type"),
        "cache_control": headers.get("cache-control"),
    }


def answer_of(response: httpx.Response) -> dict[str, Any]:
    """Everything a client can compare about a non-JSON answer (for cross-app agreement)."""
    return {
        "status": response.status_code,
        "content_type": response.headers.get("content-type"),
        "body": response.content,
        "www_authenticate": response.headers.get_list("www-authenticate"),
    }


def path_of(location: str | None) -> str | None:
    """The path and query of a Location, exactly as sent (percent-escapes kept)."""
    if location is None:
        return None
    url = httpx.URL(location)
    return url.raw_path.decode("ascii")


def login(client: httpx.Client, username: str = "ann", password: str = PASSWORD) -> httpx.Response:
    """Post the login form (LocalStrategy, ``success_return_to_or_redirect="/home"``)."""
    return client.post("/login", data={"username": username, "password": password})


def me(client: httpx.Client) -> Any:
    """The user the session restores for a new request."""
    response = client.get("/me")
    assert response.status_code == 200, response.text
    return response.json()["user"]


def session_keys(client: httpx.Client) -> list[str]:
    response = client.get("/session")
    assert response.status_code == 200, response.text
    return response.json()["keys"]  # type: ignore[no-any-return]


def multipart(fields: dict[str, str | bytes], boundary: str = "parity-boundary") -> tuple[bytes, str]:
    """A ``multipart/form-data`` body of text fields, and its content type."""
    parts = []
    for name, value in fields.items():
        data = value.encode() if isinstance(value, str) else value
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        parts.append(head + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class CountingBody:
    """A request body streamed in chunks that counts how many bytes the server pulled.

    Passed as ``content=``, httpx sends it chunked (no ``Content-Length``) unless the request
    declares one. The parity clients hand the app each chunk only when it reads one.
    """

    def __init__(self, total: int, prefix: bytes = b"", chunk: int = 64 * 1024, fill: bytes = b"x") -> None:
        self.total = total
        self.prefix = prefix
        self.chunk = chunk
        self.fill = fill
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        sent = 0
        if self.prefix:
            sent = len(self.prefix)
            self.pulled += sent
            yield self.prefix
        while sent < self.total:
            piece = self.fill * min(self.chunk, self.total - sent)
            sent += len(piece)
            self.pulled += len(piece)
            yield piece
