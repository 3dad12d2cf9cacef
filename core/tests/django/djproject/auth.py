"""The project's Passport: local logins against Django's users, API tokens and keys."""

from __future__ import annotations

import hmac
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth import get_user_model

from passport.core import Passport
from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy
from passport.strategies.local import LocalStrategy

TOKENS = {"token-for-ann": "ann"}
KEYS = {"key-for-bob": "bob"}


def check_password(username: str, password: str) -> Any:
    return authenticate(username=username, password=password)  # Django's backends: the user or None


def _user_for(table: dict[str, str], presented: str) -> Any:
    for secret, username in table.items():
        if hmac.compare_digest(secret.encode(), presented.encode()):
            return get_user_model().objects.filter(username=username).first()
    return None


def user_for_token(token: str) -> Any:
    return _user_for(TOKENS, token)


def user_for_key(key: str) -> Any:
    return _user_for(KEYS, key)


passport = Passport()
passport.use(LocalStrategy(check_password))
passport.use(BearerStrategy(user_for_token))
passport.use(APIKeyStrategy(user_for_key))
