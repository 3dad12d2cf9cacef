"""The back channel: the strategy's own requests to the provider, bounded, secrets kept out of errors.

Blocking code: the strategy calls it through ``call_function``, so async apps run it in a worker
thread. Every failure is an :class:`~passport.strategies.oauth2.OAuthError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import final
from urllib.parse import quote_plus

from . import _http
from ._errors import InternalOAuthError
from ._errors import OAuthError
from ._errors import clean_text
from ._token import FORM
from ._token import TOKEN_FAILED
from ._token import Tokens
from ._token import checked_tokens
from ._token import is_token_response
from ._token import token_body
from ._token import token_request_body

ParseError = Callable[[str, int], "BaseException | None"]


@final
class BackChannel:
    """The token endpoint and the client's credentials for it, and the limits every request gets."""

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str | None,
        client_auth: str,
        headers: Mapping[str, str],
        limits: _http.Limits,
    ) -> None:
        self._token_url = token_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._client_auth = client_auth
        self._headers = headers
        self._limits = limits

    def send(
        self,
        method: str,
        url: str,
        message: str,
        *,
        headers: Mapping[str, str],
        data: bytes | None = None,
        auth: tuple[str, str] | None = None,
    ) -> _http.Answer:
        """One request with the limits; a transport failure is an InternalOAuthError saying which."""
        try:
            return _http.exchange(method, url, limits=self._limits, headers=headers, data=data, auth=auth)
        except _http.Timeout as exc:
            raise InternalOAuthError(f"{message} (timed out)") from exc
        except _http.TooLarge as exc:
            raise InternalOAuthError(f"{message} (response too large)") from exc
        except _http.Redirected as exc:
            raise InternalOAuthError(f"{message} (redirects are not followed)") from exc
        except _http.Transport as exc:
            raise InternalOAuthError(f"{message} (connection failed)") from exc

    def get_json(self, url: str, access_token: str | None, message: str) -> Any:
        """GET ``url`` (with the access token as a Bearer credential) and decode its JSON."""
        headers = dict(self._headers)
        if access_token is not None:
            headers["Authorization"] = f"Bearer {access_token}"
        answer = self.send("GET", url, message, headers=headers)
        if not 200 <= answer.status < 300:
            raise InternalOAuthError(message, upstream_status=answer.status)
        try:
            return json.loads(answer.body)
        except (ValueError, RecursionError):
            raise InternalOAuthError(f"{message} (not JSON)", upstream_status=answer.status) from None

    def exchange_code(
        self,
        code: str,
        callback_url: str | None,
        verifier: str | None,
        extra: dict[str, str],
        parse_error: ParseError,
        token_types: frozenset[str],
    ) -> Tokens:
        """POST the token request oauthlib prepares and validate the answer."""
        basic = self._client_auth == "client_secret_basic" and self._client_secret is not None
        body = token_request_body(
            self._client_id,
            code,
            redirect_uri=callback_url,
            code_verifier=verifier,
            client_secret=None if basic else self._client_secret,
            include_client_id=not basic,
            extra=extra,
        )
        auth = None
        if basic and self._client_secret is not None:
            auth = (quote_plus(self._client_id), quote_plus(self._client_secret))  # RFC 6749 §2.3.1
        headers = {"Content-Type": FORM, **self._headers}
        answer = self.send("POST", self._token_url, TOKEN_FAILED, headers=headers, data=body.encode(), auth=auth)
        status = answer.status
        if status >= 500:
            raise InternalOAuthError(TOKEN_FAILED, upstream_status=status)
        data = token_body(answer)
        if not 200 <= status < 300 or data is None or not is_token_response(data, status):
            raise _token_error(answer, (code, verifier, self._client_secret), parse_error)
        return checked_tokens(data, status, token_types)


def _token_error(answer: _http.Answer, hidden: Sequence[str | None], parse_error: ParseError) -> BaseException:
    try:
        err = parse_error(answer.body.decode("utf-8", "replace"), answer.status)
    except Exception:  # a failing override falls back, as in Passport
        err = None
    if err is None:
        if 200 <= answer.status < 300:
            return InternalOAuthError(f"{TOKEN_FAILED} (not a JSON object)", upstream_status=answer.status)
        return InternalOAuthError(TOKEN_FAILED, upstream_status=answer.status)
    if isinstance(err, OAuthError) and err.message:
        err.message = clean_text(err.message, hidden)
        err.args = (err.message,)
    return err
