"""GitHub's ``GET /user`` and ``GET /user/emails`` answers, normalised to Passport's profile shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from passport.strategies.oauth2 import Document
from passport.strategies.oauth2 import InternalOAuthError
from passport.strategies.oauth2 import Profile
from passport.strategies.oauth2 import ProfileEmail
from passport.strategies.oauth2 import ProfilePhoto

PROVIDER = "github"
BAD_PROFILE = "Failed to fetch user profile (unexpected answer)"
BAD_EMAILS = "Failed to fetch user emails (unexpected answer)"


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def user_id(data: Mapping[str, Any]) -> str:
    """GitHub's numeric user id as a string: the stable key (a login can be renamed and reused)."""
    value = data.get("id")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InternalOAuthError(BAD_PROFILE)
    return str(value)


def emails_from(data: object) -> tuple[ProfileEmail, ...]:
    """``GET /user/emails``: ``[{"email", "primary", "verified", "visibility"}]``, the primary first."""
    if not isinstance(data, list):
        raise InternalOAuthError(BAD_EMAILS)
    found = []
    for item in data:
        if not isinstance(item, Mapping) or _text(item.get("email")) is None:
            raise InternalOAuthError(BAD_EMAILS)
        found.append(
            ProfileEmail(
                value=item["email"],
                primary=item.get("primary") is True,
                verified=item.get("verified") is True,
            )
        )
    return tuple(sorted(found, key=lambda email: not email.primary))


def profile_from(user: Document, emails: tuple[ProfileEmail, ...] | None) -> Profile:
    """The profile: ``/user`` for the person, ``/user/emails`` (when fetched) for the addresses.

    Without ``/user/emails`` the public address on ``/user`` (if any) is the one address, with
    ``verified=None``: GitHub does not say whether a public address is verified.
    """
    data = user.data
    if not isinstance(data, Mapping):
        raise InternalOAuthError(BAD_PROFILE)
    if emails is None:
        public = _text(data.get("email"))
        emails = (ProfileEmail(value=public),) if public else ()
    avatar = _text(data.get("avatar_url"))
    return Profile(
        provider=PROVIDER,
        id=user_id(data),
        display_name=_text(data.get("name")),
        username=_text(data.get("login")),
        emails=emails,
        photos=(ProfilePhoto(avatar),) if avatar else (),
        raw=user.text,
        json=dict(data),
    )
