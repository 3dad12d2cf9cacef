"""Profile: Passport's normalised user profile, the shape provider presets hand to verify."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

__all__ = ["Profile", "ProfileEmail", "ProfileName", "ProfilePhoto"]


@dataclass(frozen=True, slots=True)
class ProfileName:
    """The user's name in parts (Portable Contacts, as Passport); any part may be ``None``."""

    family_name: str | None = None
    given_name: str | None = None
    middle_name: str | None = None


@dataclass(frozen=True, slots=True)
class ProfileEmail:
    """One address. ``verified`` is ``None`` when the provider does not say.

    Link accounts by ``(provider, id)``, never by an address; an address the provider has not
    verified says nothing about who controls it.
    """

    value: str
    type: str | None = None
    primary: bool = False
    verified: bool | None = None


@dataclass(frozen=True, slots=True)
class ProfilePhoto:
    """One picture, by URL."""

    value: str


@dataclass(frozen=True, slots=True)
class Profile:
    """A user's profile at a provider, in Passport's shape (snake_case).

    :ivar provider: the provider's name (``"github"``).
    :ivar id: the provider's stable identifier for the user, as a string: key accounts on
        ``(provider, id)``.
    :ivar display_name: the name to show, or ``None``.
    :ivar name: the name in parts, or ``None``.
    :ivar emails: the addresses, the primary one first when the provider says which.
    :ivar photos: the pictures.
    :ivar username: the provider's login name, or ``None`` (Passport's ``username``).
    :ivar raw: the profile document's text as received (Passport's ``_raw``).
    :ivar json: the decoded document (Passport's ``_json``).
    """

    provider: str
    id: str
    display_name: str | None = None
    name: ProfileName | None = None
    emails: tuple[ProfileEmail, ...] = ()
    photos: tuple[ProfilePhoto, ...] = ()
    username: str | None = None
    raw: str = ""
    json: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.provider, str) or not self.provider:
            raise ValueError("Profile.provider must be a non-empty string")
        if not isinstance(self.id, str) or not self.id:
            raise ValueError("Profile.id must be a non-empty string (the provider's stable identifier)")

    @property
    def email(self) -> str | None:
        """The primary address if the provider marks one, else the first; ``None`` without any."""
        for email in self.emails:
            if email.primary:
                return email.value
        return self.emails[0].value if self.emails else None
