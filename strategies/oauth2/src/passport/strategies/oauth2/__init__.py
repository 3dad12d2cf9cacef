"""OAuth 2.0 login (authorization-code grant with PKCE) for passport, on oauthlib and requests.

::

    from passport.core import Passport
    from passport.strategies.oauth2 import OAuth2Strategy

    def verify(access_token, refresh_token, profile):
        return users.find_or_create(provider="example", subject=profile["id"])

    passport = Passport()
    passport.use(OAuth2Strategy(
        verify,
        authorization_url="https://provider.example/oauth2/authorize",
        token_url="https://provider.example/oauth2/token",
        client_id="abc123", client_secret=SECRET,
        callback_url="https://app.example/auth/example/callback",
        scope=["openid", "profile"],
    ))
    # /auth/example           -> passport.authenticate("oauth2")   (redirects to the provider)
    # /auth/example/callback  -> passport.authenticate("oauth2", failure_redirect="/login")

A named provider is a subclass that fixes the endpoints and overrides ``user_profile``.
State (bound to the session, single-use, 10 minutes) and PKCE S256 are on by default.
"""

from ._errors import AuthorizationError
from ._errors import InternalOAuthError
from ._errors import OAuthError
from ._errors import TokenError
from ._state import SessionStateStore
from ._state import StateStore
from ._strategy import OAuth2Strategy
from ._version import __version__

__all__ = [
    "AuthorizationError",
    "InternalOAuthError",
    "OAuth2Strategy",
    "OAuthError",
    "SessionStateStore",
    "StateStore",
    "TokenError",
    "__version__",
]

for _obj in (AuthorizationError, InternalOAuthError, OAuth2Strategy, OAuthError, SessionStateStore, TokenError):
    _obj.__module__ = "passport.strategies.oauth2"
del _obj
