"""The back channel: the token requests through requests-oauthlib's ``OAuth2Session``, and bounded GETs.

Blocking code: the strategy calls it through ``call_function`` (or a worker thread), so async
apps never block. Every failure is an :class:`~passport.strategies.oauth2.OAuthError`.

A fresh ``OAuth2Session`` serves each exchange (it keeps the token on itself, and one strategy
serves many requests at once), with the :mod:`._http` adapters mounted for the limits and
requests-oauthlib's loggers redacted (:mod:`._logs`). Its ``access_token_response`` /
``refresh_token_response`` compliance hooks run in a fixed order, as one hook: a 5xx is refused
first, then the strategy's registered compliance hooks in registration order, then the strict
checks of :mod:`._token`, whose verdict is final (oauthlib parses the same answer afterwards).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import final
from urllib.parse import quote_plus
from urllib.parse import urlencode

import requests
from requests_oauthlib import OAuth2Session  # type: ignore[import-untyped]

from . import _http
from . import _logs
from ._errors import InternalOAuthError
from ._errors import OAuthError
from ._errors import clean_text
from ._token import FORM
from ._token import GRANT_FIELDS
from ._token import TOKEN_FAILED
from ._token import checked_tokens
from ._token import is_token_response
from ._token import token_body
from ._tokens import TokenSet

ParseError = Callable[[str, int], "BaseException | None"]
Hook = Callable[..., Any]

REFRESH_FIELDS = frozenset({"grant_type", "refresh_token", "client_id", "client_secret", "scope"})
RESPONSE_HOOKS = {"access_token_response", "refresh_token_response"}


def hook_types() -> frozenset[str]:
    """The compliance hook types the installed requests-oauthlib knows."""
    return frozenset(OAuth2Session().compliance_hook)


@dataclass(frozen=True, slots=True)
class Document:
    """A JSON document the back channel fetched: the decoded value, its text and the headers."""

    data: Any
    text: str
    headers: Mapping[str, str]


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

    def _guarded(self, message: str, url: str, call: Callable[[], Any]) -> Any:
        """Run ``call`` with the limits and the redaction; a transport failure says which it was."""
        try:
            with _logs.quiet(), _http.bounded(self._limits, url):
                return call()
        except _http.Timeout as exc:
            raise InternalOAuthError(f"{message} (timed out)") from exc
        except _http.TooLarge as exc:
            raise InternalOAuthError(f"{message} (response too large)") from exc
        except _http.Redirected as exc:
            raise InternalOAuthError(f"{message} (redirects are not followed)") from exc
        except _http.Transport as exc:
            raise InternalOAuthError(f"{message} (connection failed)") from exc

    # -- bounded GET -------------------------------------------------------------------------------

    def get_document(
        self, url: str, access_token: str | None, message: str, headers: Mapping[str, str] | None = None
    ) -> Document:
        """GET ``url`` (with the access token as a Bearer credential) and decode its JSON."""
        all_headers = {**self._headers, **(headers or {})}
        if access_token is not None:
            all_headers["Authorization"] = f"Bearer {access_token}"
        answer: _http.Answer = self._guarded(
            message, url, lambda: _http.get(url, limits=self._limits, headers=all_headers)
        )
        if not 200 <= answer.status < 300:
            raise InternalOAuthError(message, upstream_status=answer.status)
        try:
            text = answer.body.decode("utf-8")
            return Document(json.loads(text), text, answer.headers)
        except (ValueError, RecursionError):
            raise InternalOAuthError(f"{message} (not JSON)", upstream_status=answer.status) from None

    # -- token requests ------------------------------------------------------------------------------

    def _auth(self) -> tuple[requests.auth.HTTPBasicAuth | None, bool]:
        """``(auth, include_client_id)`` for the client authentication method."""
        if self._client_auth == "client_secret_basic" and self._client_secret is not None:
            # RFC 6749 §2.3.1: both form-encoded before Basic encoding.
            return requests.auth.HTTPBasicAuth(quote_plus(self._client_id), quote_plus(self._client_secret)), False
        return None, True

    def _session(
        self,
        kind: str,
        hooks: Mapping[str, Sequence[Hook]],
        redirect_uri: str | None,
        finish: Callable[[requests.Response], requests.Response],
    ) -> OAuth2Session:
        session = OAuth2Session(client_id=self._client_id, redirect_uri=redirect_uri or None)
        for hook_type, registered in hooks.items():
            if hook_type not in RESPONSE_HOOKS:
                for hook in registered:  # request hooks: requests-oauthlib runs them as they are
                    session.register_compliance_hook(hook_type, hook)
        response_hooks = list(hooks.get(kind, ()))

        def ordered(response: requests.Response) -> requests.Response:
            if response.status_code >= 500:
                raise InternalOAuthError(TOKEN_FAILED, upstream_status=response.status_code)
            for hook in response_hooks:
                response = hook(response)
            return finish(response)

        # requests-oauthlib keeps hooks in a set (no order): ours is the only response hook.
        session.register_compliance_hook(kind, ordered)
        return session

    def _finisher(
        self, parse_error: ParseError, token_types: frozenset[str], hidden: Sequence[str | None], out: list[TokenSet]
    ) -> Callable[[requests.Response], requests.Response]:
        def finish(response: requests.Response) -> requests.Response:
            answer = _http.Answer(response.status_code, response.headers, response.content)
            data = token_body(answer)
            status = answer.status
            if not 200 <= status < 300 or data is None or not is_token_response(data, status):
                raise _token_error(answer, hidden, parse_error)
            raw = dict(data)
            access_token, refresh_token, _params = checked_tokens(data, status, token_types)
            out.append(TokenSet(access_token, refresh_token, raw))
            # oauthlib parses the answer next: give it exactly what was checked, as JSON (the
            # body-rewriting idiom of requests-oauthlib's own compliance fixes).
            response._content = json.dumps(raw).encode()
            response.encoding = "utf-8"
            return response

        return finish

    def _run_token_request(self, call: Callable[[], Any], out: list[TokenSet]) -> TokenSet:
        def guarded() -> TokenSet:
            try:
                call()
            except OAuthError:
                raise
            except Exception:
                if not out:  # before our checks ran: the wire's trouble, for bounded() to name
                    raise
                # After them, only oauthlib's own parse of the checked answer is left; its errors
                # may quote the provider's values, so none is attached.
                raise InternalOAuthError(f"{TOKEN_FAILED} (malformed token response)") from None
            if not out:  # pragma: no cover - the finishing hook either appends or raises
                raise InternalOAuthError(TOKEN_FAILED)
            return out[0]

        result: TokenSet = self._guarded(TOKEN_FAILED, self._token_url, guarded)
        return result

    def exchange_code(
        self,
        code: str,
        callback_url: str | None,
        verifier: str | None,
        extra: dict[str, str],
        parse_error: ParseError,
        token_types: frozenset[str],
        hooks: Mapping[str, Sequence[Hook]],
    ) -> TokenSet:
        """The authorization-code grant (RFC 6749 §4.1.3) through ``OAuth2Session.fetch_token``."""
        out: list[TokenSet] = []
        finish = self._finisher(parse_error, token_types, (code, verifier, self._client_secret), out)
        session = self._session("access_token_response", hooks, callback_url, finish)
        auth, include_client_id = self._auth()
        kwargs: dict[str, Any] = {}
        if verifier:
            kwargs["code_verifier"] = verifier

        def call() -> Any:
            with session:
                env = _http.prepare(session, [self._token_url])
                return session.fetch_token(
                    _http.session_url(self._token_url),
                    code=code,
                    body=urlencode([(k, v) for k, v in extra.items() if k not in GRANT_FIELDS]),
                    auth=auth,
                    include_client_id=include_client_id,
                    client_secret=self._client_secret if include_client_id else None,
                    timeout=(self._limits.connect, self._limits.read),
                    headers={**_http.BASE_HEADERS, "Content-Type": FORM, **self._headers},
                    **env,
                    **kwargs,
                )

        return self._run_token_request(call, out)

    def refresh(
        self,
        refresh_token: str,
        scope: str | None,
        extra: dict[str, str],
        parse_error: ParseError,
        token_types: frozenset[str],
        hooks: Mapping[str, Sequence[Hook]],
    ) -> TokenSet:
        """The refresh grant (RFC 6749 §6) through ``OAuth2Session.refresh_token``."""
        out: list[TokenSet] = []
        finish = self._finisher(parse_error, token_types, (refresh_token, self._client_secret), out)
        session = self._session("refresh_token_response", hooks, None, finish)
        auth, include_client_id = self._auth()
        kwargs: dict[str, Any] = {}
        if include_client_id:  # client_secret_post (or a public client): the credentials go in the body
            kwargs["client_id"] = self._client_id
            if self._client_secret is not None:
                kwargs["client_secret"] = self._client_secret
        fields = [(k, v) for k, v in extra.items() if k not in REFRESH_FIELDS]
        if scope:  # in the body: OAuth2Session passes its own (None) scope to oauthlib as well
            fields.append(("scope", scope))

        def call() -> Any:
            with session:
                env = _http.prepare(session, [self._token_url])
                return session.refresh_token(
                    _http.session_url(self._token_url),
                    refresh_token=refresh_token,
                    body=urlencode(fields),
                    auth=auth,
                    timeout=(self._limits.connect, self._limits.read),
                    headers={**_http.BASE_HEADERS, "Content-Type": FORM, **self._headers},
                    **env,
                    **kwargs,
                )

        tokens = self._run_token_request(call, out)
        if tokens.refresh_token is None:  # RFC 6749 §6: no new one issued, the old one stays valid
            tokens = TokenSet(tokens.access_token, refresh_token, tokens.raw)
        return tokens


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
