"""Passwords: Argon2id hashes, and the same work for an unknown user as for a wrong password (item 48)."""

from __future__ import annotations

from typing import Any

import argon2
import pytest

from passport.strategies.local import LocalStrategy
from passport.strategies.local import Passwords
from passport.strategy_runner import run_strategy

FAST = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)  # test speed only


class CountingHasher:
    """An argon2 hasher that records which hashes it verified against."""

    def __init__(self) -> None:
        self.inner = FAST
        self.verified: list[str] = []
        self.time_cost, self.memory_cost, self.parallelism = FAST.time_cost, FAST.memory_cost, FAST.parallelism

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, stored: str, password: str) -> bool:
        self.verified.append(stored)
        return self.inner.verify(stored, password)

    def check_needs_rehash(self, stored: str) -> bool:
        return self.inner.check_needs_rehash(stored)


@pytest.fixture
def passwords() -> Passwords:
    return Passwords(FAST)


def test_a_hash_verifies_its_password_and_no_other(passwords):
    stored = passwords.hash("correct horse")
    assert stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    assert passwords.verify(stored, "correct horse") is True
    assert passwords.verify(stored, "correct horsf") is False


def test_each_hash_has_its_own_salt(passwords):
    assert passwords.hash("same") != passwords.hash("same")


def test_48_an_unknown_user_costs_one_full_verification_like_a_wrong_password():
    hasher = CountingHasher()
    passwords = Passwords(hasher)
    stored = passwords.hash("right")
    assert passwords.verify(stored, "wrong") is False
    assert passwords.verify(None, "wrong") is False
    assert passwords.verify(None, "right") is False
    assert len(hasher.verified) == 3  # the unknown user's checks ran a real Argon2 verification too
    assert hasher.verified[0] == stored and hasher.verified[1] == hasher.verified[2] != stored


@pytest.mark.parametrize("stored", ["", "not a hash", "$argon2id$v=19$m=8,t=1,p=1$broken", 42, b"bytes"])
def test_a_stored_value_that_is_not_a_hash_is_no_match_and_never_raises(passwords, stored: Any):
    assert passwords.verify(stored, "anything") is False


@pytest.mark.parametrize("password", [None, 0, b"right", ["right"]])
def test_a_password_that_is_not_a_string_is_no_match(passwords, password: Any):
    assert passwords.verify(passwords.hash("right"), password) is False


def test_hash_refuses_a_non_string(passwords):
    with pytest.raises(TypeError):
        passwords.hash(b"bytes")  # type: ignore[arg-type]


def test_a_hash_made_with_cheaper_parameters_needs_a_rehash():
    old = Passwords(FAST).hash("pw")
    assert Passwords(argon2.PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)).needs_rehash(old) is True
    assert Passwords(FAST).needs_rehash(old) is False
    assert Passwords(FAST).needs_rehash("garbage") is True


def test_the_repr_shows_the_cost_parameters_and_nothing_else(passwords):
    assert repr(passwords) == "Passwords(time_cost=1, memory_cost=8, parallelism=1)"


def test_a_verify_function_built_on_passwords_logs_in_and_refuses(passwords):
    users = {"ann": {"id": "ann", "hash": passwords.hash("correct horse")}}

    def verify(username, password):
        user = users.get(username)
        if passwords.verify(user and user["hash"], password):
            return user
        return None, {"message": "Incorrect username or password."}

    strategy = LocalStrategy(verify)
    ok = run_strategy(strategy, {"method": "POST", "body": {"username": "ann", "password": "correct horse"}})
    assert ok.user == users["ann"]
    for username in ("ann", "nobody"):
        bad = run_strategy(strategy, {"method": "POST", "body": {"username": username, "password": "guess"}})
        assert (bad.action, bad.message) == ("fail", "Incorrect username or password.")
