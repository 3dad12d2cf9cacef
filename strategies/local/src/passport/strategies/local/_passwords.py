"""``Passwords``: Argon2id password hashes, checked in the same time whether or not the user exists."""

from __future__ import annotations

import secrets
from typing import Any
from typing import final


@final
class Passwords:
    """Hash and check passwords with Argon2id, OWASP's first choice (on argon2-cffi).

    ::

        passwords = Passwords()
        stored = passwords.hash("correct horse")          # keep this string, never the password

        def verify(username, password):
            user = users.get(username)                    # None for an unknown name
            if passwords.verify(user and user.password_hash, password):
                return user
            return None, {"message": "Incorrect username or password."}

    :meth:`verify` takes ``None`` for a user that does not exist and checks the password against
    a hash made for the purpose: an unknown name costs as long as a wrong password, so response
    times do not tell which usernames exist (security item 48). Hashing is deliberately slow
    (tens of milliseconds): in async apps a plain ``def`` verify runs in a worker thread, so do
    not mark it ``nonblocking``.

    :param hasher: an ``argon2.PasswordHasher`` with your own cost parameters (default: argon2-cffi's,
        RFC 9106's low-memory choice: 3 passes over 64 MiB, 4 lanes).
    :raises ImportError: argon2-cffi is missing (``pip install "passport-strategy-local[argon2]"``).
    """

    __slots__ = ("_dummy", "_errors", "_hasher")

    def __init__(self, hasher: Any = None) -> None:
        try:
            import argon2
            from argon2 import exceptions
        except ImportError as exc:  # pragma: no cover - the test environment installs the extra
            raise ImportError('Passwords needs argon2-cffi: pip install "passport-strategy-local[argon2]"') from exc
        self._hasher = argon2.PasswordHasher() if hasher is None else hasher
        # What a stored hash that does not match, or is not a hash at all, raises.
        self._errors = (exceptions.VerificationError, exceptions.InvalidHashError)
        # Checked for unknown users, with the same parameters as real hashes.
        self._dummy = self._hasher.hash(secrets.token_urlsafe(24))

    def __repr__(self) -> str:
        h = self._hasher
        return f"Passwords(time_cost={h.time_cost}, memory_cost={h.memory_cost}, parallelism={h.parallelism})"

    def hash(self, password: str) -> str:
        """The hash to store for ``password`` (a fresh random salt each time).

        :raises TypeError: ``password`` is not a string.
        """
        if type(password) is not str:
            raise TypeError("Passwords.hash takes the password as a str")
        return str(self._hasher.hash(password))

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches the ``stored`` hash; ``stored=None``: the user does not exist.

        Never raises for bad input: a stored value that is not an Argon2 hash, or a password that
        is not a string, is simply not a match (and still costs one hash).
        """
        target = self._dummy if stored is None or type(stored) is not str else stored
        candidate = password if type(password) is str else ""
        try:
            matched = bool(self._hasher.verify(target, candidate))
        except self._errors:
            return False
        return matched and target is stored and type(password) is str

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than this hasher's: after a
        successful login, hash the password again and store the new hash."""
        try:
            return bool(self._hasher.check_needs_rehash(stored))
        except self._errors:
            return True
