"""Google's ID token claims (and UserInfo, when fetched) as Passport's profile."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from passport.strategies.oauth2 import Profile
from passport.strategies.oauth2 import ProfileEmail
from passport.strategies.oauth2 import ProfileName
from passport.strategies.oauth2 import ProfilePhoto

__all__ = ["google_profile"]


def _text(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    return value if isinstance(value, str) and value else None


def google_profile(claims: Mapping[str, Any], userinfo: Mapping[str, Any] | None) -> Profile:
    """The profile passport-google-oauth20 gives, from the validated claims (UserInfo on top).

    ``id`` is the ID token's ``sub`` (Google's stable account id: key accounts on it, never on
    the address). ``verified`` is Google's ``email_verified``; ``json`` holds every claim.
    """
    data: dict[str, Any] = {**claims, **(userinfo or {})}
    data["sub"] = claims["sub"]  # UserInfo's sub was checked equal; the token's is authoritative
    email = _text(data, "email")
    verified = data.get("email_verified")
    given, family = _text(data, "given_name"), _text(data, "family_name")
    picture = _text(data, "picture")
    return Profile(
        provider="google",
        id=str(claims["sub"]),
        display_name=_text(data, "name"),
        name=ProfileName(family_name=family, given_name=given) if given or family else None,
        emails=(ProfileEmail(email, primary=True, verified=verified if isinstance(verified, bool) else None),)
        if email
        else (),
        photos=(ProfilePhoto(picture),) if picture else (),
        raw=json.dumps(data, sort_keys=True),
        json=data,
    )
