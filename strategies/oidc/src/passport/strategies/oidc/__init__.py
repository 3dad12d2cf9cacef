"""OpenID Connect login for passport: ``OIDCStrategy``, on passport-strategy-oauth2 and the jwt JWKS.

::

    from passport.core import Passport
    from passport.strategies.oidc import OIDCStrategy

    def verify(claims, userinfo, tokens):            # def or async def
        return users.find_or_create(issuer=claims["iss"], subject=claims["sub"])

    passport = Passport()
    passport.use(OIDCStrategy(
        verify,
        issuer="https://accounts.example",           # discovery: {issuer}/.well-known/openid-configuration
        client_id="abc123", client_secret=SECRET,
        callback_url="https://app.example/auth/oidc/callback",
    ))

State, PKCE S256 and a nonce are always on; the ID token is validated as OpenID Connect Core
§3.1.3.7 says, its signature always checked against the provider's JWKS.
"""

from ._discovery import ProviderMetadata
from ._errors import DiscoveryError
from ._errors import IDTokenError
from ._errors import OIDCError
from ._errors import UserInfoError
from ._strategy import OIDCLogin
from ._strategy import OIDCStrategy
from ._version import __version__

__all__ = [
    "DiscoveryError",
    "IDTokenError",
    "OIDCError",
    "OIDCLogin",
    "OIDCStrategy",
    "ProviderMetadata",
    "UserInfoError",
    "__version__",
]

for _obj in (DiscoveryError, IDTokenError, OIDCError, OIDCLogin, OIDCStrategy, ProviderMetadata, UserInfoError):
    _obj.__module__ = "passport.strategies.oidc"
del _obj
