"""Sign in with Google for passport: ``GoogleStrategy``, on passport-strategy-oidc.

::

    from passport.strategies.google import GoogleStrategy

    def verify(access_token, refresh_token, profile):        # def or async def
        return users.find_or_create(provider="google", subject=profile.id)

    passport.use(GoogleStrategy(
        verify,
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
        callback_url="https://app.example/auth/google/callback",
        hosted_domain="example.com",                          # optional: Workspace accounts only
    ))
"""

from ._strategy import GOOGLE_ISSUER
from ._strategy import GoogleStrategy
from ._version import __version__

__all__ = ["GOOGLE_ISSUER", "GoogleStrategy", "__version__"]

GoogleStrategy.__module__ = "passport.strategies.google"
