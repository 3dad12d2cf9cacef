"""Sign in with GitHub for passport: ``GitHubStrategy`` (name ``github``), on passport-strategy-oauth2.

::

    from passport.strategies.github import GitHubStrategy

    def verify(access_token, refresh_token, profile):  # profile: passport.strategies.oauth2.Profile
        return users.find_or_create(provider=profile.provider, subject=profile.id)

    passport.use(GitHubStrategy(
        verify,
        client_id=os.environ["GITHUB_CLIENT_ID"],
        client_secret=os.environ["GITHUB_CLIENT_SECRET"],
        callback_url="https://app.example/auth/github/callback",
    ))
"""

from ._strategy import GitHubStrategy
from ._version import __version__

__all__ = ["GitHubStrategy", "__version__"]

GitHubStrategy.__module__ = "passport.strategies.github"
