"""OAuth 2.0 login (authorization-code grant with PKCE) for passport, on requests-oauthlib.

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

A named provider is a subclass that fixes the endpoints and overrides ``user_profile`` (or
``load_profile``), returning a :class:`Profile`. Strategies built on this one use the documented
extension points: :class:`TokenSet`, ``flow_params``, ``check_tokens``, ``load_profile``,
``fetch_document`` / ``afetch_document``, ``register_compliance_hook``.
State (bound to the session, single-use, 10 minutes) and PKCE S256 are on by default.
"""

from ._backchannel import Document
from ._errors import AuthorizationError
from ._errors import InternalOAuthError
from ._errors import OAuthError
from ._errors import TokenError
from ._pkce import FlowKeyError
from ._profile import Profile
from ._profile import ProfileEmail
from ._profile import ProfileName
from ._profile import ProfilePhoto
from ._state import SessionStateStore
from ._state import StateStore
from ._strategy import OAuth2Strategy
from ._tokens import TokenSet
from ._version import __version__

__all__ = [
    "AuthorizationError",
    "Document",
    "FlowKeyError",
    "InternalOAuthError",
    "OAuth2Strategy",
    "OAuthError",
    "Profile",
    "ProfileEmail",
    "ProfileName",
    "ProfilePhoto",
    "SessionStateStore",
    "StateStore",
    "TokenError",
    "TokenSet",
    "__version__",
]

for _obj in (
    AuthorizationError,
    Document,
    FlowKeyError,
    InternalOAuthError,
    OAuth2Strategy,
    OAuthError,
    Profile,
    ProfileEmail,
    ProfileName,
    ProfilePhoto,
    SessionStateStore,
    TokenError,
    TokenSet,
):
    _obj.__module__ = "passport.strategies.oauth2"
del _obj
