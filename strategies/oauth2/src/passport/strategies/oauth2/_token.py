"""Reading a token endpoint's answer (RFC 6749 §5.1/§5.2): strict about shapes and types."""

from __future__ import annotations

import json
from collections.abc import Set
from typing import Any
from urllib.parse import parse_qsl

from ._errors import InternalOAuthError
from ._errors import TokenError
from ._errors import clean_text
from ._http import Answer

TOKEN_FAILED = "Failed to obtain access token"
Tokens = tuple[str, str | None, dict[str, Any]]
"""``(access_token, refresh_token_or_None, params)``; ``params`` lacks ``refresh_token``, as in Passport."""


def token_body(answer: Answer) -> dict[str, Any] | None:
    """The answer as a dict: a JSON object, or form-encoded when the provider labels it so."""
    try:
        data = json.loads(answer.body)
    except (ValueError, RecursionError):  # not JSON, invalid UTF-8, absurdly deep nesting
        content_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return None
        try:
            return dict(parse_qsl(answer.body.decode("ascii"), keep_blank_values=True, strict_parsing=True))
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def checked_tokens(data: dict[str, Any], status: int, token_types: Set[str]) -> Tokens:
    """Validate a successful answer: a non-empty string ``access_token`` and a known ``token_type``.

    :raises InternalOAuthError: for anything else.
    """
    access_token = data.get("access_token")
    token_type = data.get("token_type")
    refresh_token = data.pop("refresh_token", None)
    if not isinstance(access_token, str) or not access_token:
        raise InternalOAuthError(TOKEN_FAILED, upstream_status=status)
    if token_type is not None and (not isinstance(token_type, str) or token_type.lower() not in token_types):
        raise InternalOAuthError(f"{TOKEN_FAILED} (unsupported token_type)", upstream_status=status)
    if refresh_token is not None and not isinstance(refresh_token, str):
        raise InternalOAuthError(f"{TOKEN_FAILED} (malformed refresh_token)", upstream_status=status)
    return access_token, refresh_token or None, data


def oauth_error(body: str) -> TokenError | None:
    """An RFC 6749 §5.2 JSON error body as a :class:`TokenError`, else ``None``."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("error"), str):
        return None
    return TokenError(
        clean_text(data.get("error_description")),
        clean_text(data["error"][:64]),
        clean_text(data.get("error_uri")),
    )
