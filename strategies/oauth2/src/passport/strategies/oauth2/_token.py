"""The checks of a token answer (RFC 6749 §5.1, §5.2), run before oauthlib parses it.

``OAuth2Session`` (requests-oauthlib) sends the token request oauthlib's ``WebApplicationClient``
prepares; its last response hook (see ``_backchannel``) runs these checks, and only an answer that
passes them reaches oauthlib's own parser. oauthlib's verdict is asked for too
(:func:`is_token_response`), on a fresh client.

What oauthlib leaves loose stays strict here. The answer is read by :func:`token_body` first:
oauthlib would form-parse any text that is not JSON and take a JSON array for a dict. A usable
answer then also needs a non-empty string ``access_token`` and a known ``token_type``
(:func:`checked_tokens`). Error answers go to ``parse_error_response`` (Passport's hook), whose
default reads the provider's own fields: oauthlib's error classes substitute a stock
description when the provider sent none.
"""

from __future__ import annotations

import json
from collections.abc import Set
from typing import Any
from urllib.parse import parse_qsl

from oauthlib.oauth2 import MissingTokenError
from oauthlib.oauth2 import MissingTokenTypeError
from oauthlib.oauth2 import OAuth2Error
from oauthlib.oauth2 import WebApplicationClient

from ._errors import InternalOAuthError
from ._errors import TokenError
from ._errors import clean_text
from ._http import Answer

TOKEN_FAILED = "Failed to obtain access token"
FORM = "application/x-www-form-urlencoded"
GRANT_FIELDS = frozenset({"grant_type", "code", "redirect_uri", "code_verifier", "client_id", "client_secret"})
"""Fields of the token request that only the grant sets (a ``token_params`` hook cannot)."""

Tokens = tuple[str, str | None, dict[str, Any]]
"""``(access_token, refresh_token_or_None, params)``; ``params`` lacks ``refresh_token``, as in Passport."""


def token_body(answer: Answer) -> dict[str, Any] | None:
    """The answer as a dict: a JSON object, or form-encoded when the provider labels it so."""
    try:
        data = json.loads(answer.body)
    except (ValueError, RecursionError):  # not JSON, invalid UTF-8, absurdly deep nesting
        content_type = answer.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if content_type != FORM:
            return None
        try:
            return dict(parse_qsl(answer.body.decode("ascii"), keep_blank_values=True, strict_parsing=True))
        except ValueError:
            return None
    return data if isinstance(data, dict) else None


def is_token_response(data: dict[str, Any], status: int) -> bool:
    """Let oauthlib validate a 2xx answer: ``True`` for a token response, ``False`` for an error one.

    ``False`` means the answer has an ``error`` member (RFC 6749 §5.2), for
    ``parse_error_response``. oauthlib's verdict is all that is kept: ``verify`` gets the
    provider's fields as sent, not oauthlib's rewrite (``scope`` split into a list, an added
    ``expires_at``).

    :raises InternalOAuthError: no ``access_token``; no ``token_type`` when the process sets
        oauthlib's ``OAUTHLIB_STRICT_TOKEN_TYPE``; or a field oauthlib cannot read (an
        ``expires_in`` that is not a number, a ``scope`` that is neither a string nor a list).
        Raised afresh, with no oauthlib exception attached: theirs may quote the provider's values.
    """
    failure = None
    try:
        WebApplicationClient("").parse_request_body_response(json.dumps(data))
    except MissingTokenError:
        failure = TOKEN_FAILED
    except MissingTokenTypeError:
        failure = f"{TOKEN_FAILED} (missing token_type)"
    except OAuth2Error:
        return False
    except Exception:  # ValueError, TypeError, AttributeError, OverflowError... from hostile fields
        if "error" in data:  # oauthlib reads scope and expires_in before it looks for an error
            return False
        failure = f"{TOKEN_FAILED} (malformed token response)"
    if failure is not None:
        raise InternalOAuthError(failure, upstream_status=status)
    return True


def checked_tokens(data: dict[str, Any], status: int, token_types: Set[str]) -> Tokens:
    """Our checks on top of oauthlib's: a non-empty string ``access_token``, a known ``token_type``.

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
