"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): the end-session redirect URL."""

from __future__ import annotations

from urllib.parse import parse_qsl
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

__all__ = ["end_session_url", "origin"]


def origin(url: str) -> tuple[str, str, int | None] | None:
    """``(scheme, host, port)`` of an absolute http(s) URL (default ports made explicit), else ``None``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    return parts.scheme, parts.hostname.lower(), port


def end_session_url(
    endpoint: str,
    *,
    client_id: str,
    id_token_hint: str,
    post_logout_redirect_uri: str | None,
    app_origin: tuple[str, str, int | None] | None,
    state: str | None,
) -> str:
    """The ``end_session_endpoint`` with the logout parameters; the endpoint's own query kept.

    :raises ValueError: no ``id_token_hint``, or a ``post_logout_redirect_uri`` that is not on
        the application's origin (an open redirect through the provider otherwise).
    """
    if not isinstance(id_token_hint, str) or not id_token_hint:
        raise ValueError("logout_url needs the ID token of the login (id_token_hint)")
    params: dict[str, str] = {"id_token_hint": id_token_hint, "client_id": client_id}
    if post_logout_redirect_uri is not None:
        if app_origin is None:
            raise ValueError("post_logout_redirect_uri needs an absolute callback_url to compare origins with")
        if origin(post_logout_redirect_uri) != app_origin or "#" in post_logout_redirect_uri:
            raise ValueError("post_logout_redirect_uri must be on the application's own origin")
        params["post_logout_redirect_uri"] = post_logout_redirect_uri
    if state is not None:
        params["state"] = state
    parts = urlsplit(endpoint)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
    return urlunsplit(parts._replace(query=urlencode([*query, *params.items()])))
