"""Hostile test requests: what a strategy must survive without crashing, hanging or leaking.

Each request puts the same awkward value in every place a strategy commonly reads credentials
from (the usual header names, form and JSON body fields, query parameters, cookies), so one set
covers form logins, API keys, bearer tokens and OAuth callbacks alike.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

CredentialHeaders = Callable[[str], Mapping[str, str]]
"""The custom-scheme hook: given a hostile value, the headers that carry it in your scheme.

For example ``lambda value: {"Authorization": f'HMAC keyId="k1", signature="{value}"'}``, so
the hostile values reach your scheme's parser instead of stopping at "not my header".
"""

MB = 1 << 20

HEADER_NAMES = ("Authorization", "X-API-Key", "Api-Key", "Cookie", "Content-Type", "Accept", "X-Forwarded-For")
FIELD_NAMES = (
    "username",
    "password",
    "email",
    "access_token",
    "token",
    "api_key",
    "apikey",
    "key",
    "code",
    "state",
    "error",
    "error_description",
    "id_token",
    "redirect_uri",
    "oauth_token",
    "oauth_verifier",
)
# Fields that carry credentials: a strategy must never echo them. (``error_description`` and
# the like are provider text that strategies legitimately repeat, so secrets never go there.)
SECRET_FIELDS = (
    "password",
    "access_token",
    "token",
    "api_key",
    "apikey",
    "key",
    "code",
    "id_token",
    "oauth_token",
    "oauth_verifier",
)
COOKIE_NAMES = ("session", "token", "access_token")
_JSON_VALUES: list[Any] = [0, None, True, [], {}, 1.5, -1, [None]]


def everywhere(value: Any, *, method: str = "POST", **extra: Any) -> dict[str, Any]:
    """A request dict with ``value`` in every common header, body field, query field and cookie."""
    text = value if isinstance(value, str) else "x"
    request: dict[str, Any] = {
        "method": method,
        "url": "http://testserver/login",
        "headers": {name: text for name in HEADER_NAMES},
        "query": dict.fromkeys(FIELD_NAMES, value),
        "body": dict.fromkeys(FIELD_NAMES, value),
        "cookies": dict.fromkeys(COOKIE_NAMES, text),
    }
    request.update(extra)
    return request


def _schemes(credential: str) -> dict[str, Any]:
    """``everywhere(credential)`` with the Authorization header in Bearer form."""
    request = everywhere(credential)
    request["headers"]["Authorization"] = "Bearer " + credential
    return request


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode("utf-8", "surrogatepass")).decode("ascii")


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"name": "ann"}
    for _ in range(depth):
        value = {"user": value}
    return value


# What each hostile request carries as "the credential", for the custom-scheme hook; the
# requests not named here carry a plausible one (so a body or URL case gets past the header).
_PLAUSIBLE = "ann-credential-0123"
_UNWRAPPED = frozenset({"an empty GET", "empty everything"})


def hostile_requests(credential_headers: CredentialHeaders | None = None) -> dict[str, dict[str, Any]]:
    """The named hostile requests :func:`check_strategy` runs.

    :param credential_headers: the custom-scheme hook (see :data:`CredentialHeaders`): called
        with each request's hostile value, and the headers it returns are set on that request
        (for the duplicate-headers request, added twice, with two values). Without it the values
        sit in ``Authorization`` as ``Bearer``/``Basic`` credentials and in the usual API-key
        headers, fields and cookies.
    :returns: ``{name: request dict}``, each dict with the keys ``run_strategy`` accepts
        (``method``, ``url``, ``headers``, ``query``, ``body``, ``cookies``, ``session``...). A new
        dict on every call: strategies may change the requests they are given.
    :raises TypeError: the hook returned something other than a mapping of ``str`` to ``str``.
    """
    big = "A" * MB
    surrogate_escaped = b"ann\xff\xfe\xc3(".decode("utf-8", "surrogateescape")
    spaces = " " * 100_000
    plausible = everywhere("ann")
    plausible["headers"]["Authorization"] = _basic("ann", "hunter22")
    credentials = {
        "empty strings everywhere": "",
        "bare auth schemes": "",
        "bare Basic scheme": "",
        "1 MB header values": big,
        "1 MB Bearer token": big,
        "1 MB Basic credentials": big,
        "NUL bytes": "ann\x00admin",
        "lone surrogates": "\ud800ann\udfff",
        "non-UTF-8 bytes (surrogateescape)": surrogate_escaped,
        "invalid Base64 and UTF-8 in Basic": "//79/w==",
        "CR LF and control characters": "ann\r\nSet-Cookie: pwned=1\x1b[31m\x7f",
        "unicode (RTL override, emoji, line separator)": "\u00e4nn\u202e\U0001f642\u2028x",
        "100,000 spaces": spaces,
        "spaces around the credential": spaces + "token  ",
    }
    requests: dict[str, dict[str, Any]] = {
        "an empty GET": {},
        "empty everything": {
            "method": "",
            "url": "/",
            "headers": {},
            "query": {},
            "body": {},
            "cookies": {},
            "session": {},
        },
        "empty strings everywhere": everywhere(""),
        "bare auth schemes": everywhere("", headers={"Authorization": "Bearer "}),
        "bare Basic scheme": everywhere("", headers={"Authorization": "Basic "}),
        "plausible credentials everywhere": plausible,
        "missing session (no session support)": everywhere("ann", session=None),
        "junk in the session": everywhere(
            "ann", session={"passport": "junk", "messages": 3, "returnTo": ["x"], "state": {"x": 1}}
        ),
        "1 MB header values": everywhere("ann", headers={name: big for name in HEADER_NAMES}),
        "1 MB Bearer token": _schemes(big),
        "1 MB Basic credentials": everywhere("ann", headers={"Authorization": _basic("ann", big)}),
        "1 MB body values": everywhere("ann", body=dict.fromkeys(FIELD_NAMES, big)),
        "1 MB query values": everywhere("ann", query=dict.fromkeys(FIELD_NAMES, big)),
        "1 MB URL query string": {"url": "http://testserver/callback?code=" + big + "&state=" + big},
        "1 MB field name": everywhere("ann", body={big: "x"}, query={big: "x"}),
        "NUL bytes": _schemes("ann\x00admin"),
        "lone surrogates": _schemes("\ud800ann\udfff"),
        "non-UTF-8 bytes (surrogateescape)": _schemes(surrogate_escaped),
        "invalid Base64 and UTF-8 in Basic": everywhere("ann", headers={"Authorization": "Basic //79/w=="}),
        "CR LF and control characters": _schemes("ann\r\nSet-Cookie: pwned=1\x1b[31m\x7f"),
        "unicode (RTL override, emoji, line separator)": _schemes("\u00e4nn\u202e\U0001f642\u2028x"),
        "100,000 spaces": _schemes(spaces),
        "spaces around the credential": everywhere("ann", headers={"Authorization": "Bearer" + spaces + "token  "}),
        "duplicate headers, joined": everywhere(
            "ann",
            headers=[
                ("Authorization", "Bearer first"),
                ("Authorization", "Bearer second"),
                ("X-API-Key", "k1"),
                ("X-API-Key", "k2"),
                ("Cookie", "a=1"),
                ("Cookie", "b=2"),
            ],
        ),
        "repeated fields (lists)": everywhere(["ann", "bob"]),
        "JSON types instead of strings": everywhere("ann", body=dict(zip(FIELD_NAMES, _JSON_VALUES * 2, strict=True))),
        "deeply nested JSON body": everywhere("ann", body=_nested(200)),
        "unusual method and odd URL": {
            "method": "PROPFIND",
            "url": "http://testserver/%zz/../login?%%=&&==&code&state=#frag",
        },
    }
    if credential_headers is not None:
        for name, request in requests.items():
            if name in _UNWRAPPED:
                continue
            if name == "duplicate headers, joined":
                request["headers"] += [*_scheme(credential_headers, "first"), *_scheme(credential_headers, "second")]
                continue
            value = credentials.get(name, _PLAUSIBLE)
            headers = request.setdefault("headers", {})
            headers.update(_scheme(credential_headers, value))
    return requests


def _scheme(credential_headers: CredentialHeaders, value: str) -> list[tuple[str, str]]:
    """The hook's headers for ``value``, checked: a mistake in the hook is the author's to see."""
    headers = credential_headers(value)
    if not isinstance(headers, Mapping) or not all(type(k) is str and type(v) is str for k, v in headers.items()):
        raise TypeError(f"credential_headers must return a mapping of str to str, got {type(headers).__name__}")
    return list(headers.items())


def secret_requests(
    secrets: list[str], credential_headers: CredentialHeaders | None = None
) -> dict[str, dict[str, Any]]:
    """Requests carrying each secret in every common credential place (to catch an echo).

    Secrets go into credential headers, credential fields and cookies only (and into the
    custom-scheme hook's headers, when given); the other fields hold a plausible username.
    """
    requests: dict[str, dict[str, Any]] = {}
    for number, secret in enumerate(secrets, 1):
        request = everywhere("ann")
        request["headers"].update({"Authorization": "Bearer " + secret, "X-API-Key": secret, "Api-Key": secret})
        request["headers"]["Cookie"] = f"session={secret}"
        for fields in (request["query"], request["body"]):
            fields.update(dict.fromkeys(SECRET_FIELDS, secret))
        request["cookies"] = dict.fromkeys(COOKIE_NAMES, secret)
        if credential_headers is not None:
            request["headers"].update(_scheme(credential_headers, secret))
        requests[f"secret #{number} everywhere"] = request
        requests[f"secret #{number} as a Basic password"] = everywhere(
            "ann", headers={"Authorization": _basic("ann", secret)}
        )
    return requests
