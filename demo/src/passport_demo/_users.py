"""The demo's user store: Argon2id password hashes, and accounts keyed on the provider's subject."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from typing import Final

from passport.strategies.local import Passwords
from passport.strategies.oauth2 import Profile

INVALID: Final = {"message": "Invalid username or password."}
"""One message for an unknown user and a wrong password alike (no account enumeration)."""


@dataclass(frozen=True)
class User:
    """A demo account. ``id`` is what the session stores; ``source`` says how it signs in."""

    id: str
    name: str
    source: str


# Argon2id hashes; an unknown username is checked against a hash too, so both answers take as
# long (no account enumeration by timing).
PASSWORDS: Final = Passwords()


class UserStore:
    """Accounts in memory: local ones with a password, and provider ones created on first sign-in."""

    def __init__(self) -> None:
        self._users: dict[str, User] = {}
        self._passwords: dict[str, str] = {}
        self._lock = threading.Lock()

    def add_local(self, username: str, name: str, password: str) -> User:
        user = User(username, name, "password")
        with self._lock:
            self._users[username] = user
            self._passwords[username] = PASSWORDS.hash(password)
        return user

    def get(self, user_id: str) -> User | None:
        """The user stored under ``user_id``; ``None`` when the account is gone (the deserializer)."""
        return self._users.get(user_id)

    def verify_password(self, username: str, password: str) -> Any:
        """The ``LocalStrategy`` verify function: the user, or ``(False, {"message": ...})``."""
        if not PASSWORDS.verify(self._passwords.get(username), password):
            return False, INVALID
        return self._users[username]

    def from_github(self, access_token: str, refresh_token: str | None, profile: Profile) -> Any:
        """The ``GitHubStrategy`` verify function: the account keyed on GitHub's numeric id."""
        user_id = f"github:{profile.id}"
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                name = profile.display_name or profile.username or profile.id
                user = self._users[user_id] = User(user_id, name, "GitHub")
        return user

    def from_oidc(self, claims: Mapping[str, Any], userinfo: Mapping[str, Any] | None, tokens: Any) -> Any:
        """The ``OIDCStrategy`` verify function: the account keyed on (issuer, ``sub``) of the
        validated ID token."""
        user_id = f"oidc:{claims['iss']}:{claims['sub']}"
        name = claims.get("name")
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                user = self._users[user_id] = User(
                    user_id, name if isinstance(name, str) else claims["sub"], "OpenID Connect"
                )
        return user

    def from_provider(self, access_token: str, refresh_token: str | None, profile: Any) -> Any:
        """The ``OAuth2Strategy`` verify function: find or create the account for the provider's
        subject. Accounts are keyed on (provider, ``sub``), never on an e-mail address."""
        subject = profile.get("sub") if isinstance(profile, Mapping) else None
        if not isinstance(subject, str) or not subject:
            return False, {"message": "The demo provider sent no subject."}
        name = profile.get("name")
        user_id = f"demo-provider:{subject}"
        with self._lock:
            user = self._users.get(user_id)
            if user is None:
                user = self._users[user_id] = User(user_id, name if isinstance(name, str) else subject, "demo provider")
        return user
