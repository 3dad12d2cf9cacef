"""``scope["user"]`` and ``scope["auth"]`` of a logged-in request."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final

from starlette.authentication import AuthCredentials
from starlette.authentication import BaseUser
from starlette.authentication import UnauthenticatedUser

Scopes = Sequence[str] | Callable[[Any], Sequence[str]]


class PassportUser(BaseUser):
    """``scope["user"]`` for a logged-in request: Starlette's user protocol around the app's user.

    The app's object is :attr:`user`; other attributes are read from it (``request.user.email``).
    """

    def __init__(self, user: Any) -> None:
        self.user = user

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or "user" not in self.__dict__:  # copy/pickle probes; half-built objects
            raise AttributeError(name)
        return getattr(self.__dict__["user"], name)

    @property
    def is_authenticated(self) -> bool:
        return True

    def _field(self, name: str) -> Any:
        user = self.user
        return user.get(name) if isinstance(user, Mapping) else getattr(user, name, None)

    @property
    def display_name(self) -> str:
        names = (self._field(name) for name in ("display_name", "name", "username"))
        return next((n for n in names if isinstance(n, str) and n), str(self.user))

    @property
    def identity(self) -> str:
        value = self._field("id")
        return self.display_name if value is None else str(value)

    def __repr__(self) -> str:
        return f"PassportUser({self.user!r})"


class _ReadOnlyScopes(list[str]):
    """A scopes list that refuses changes (it is shared by requests)."""

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "request.auth.scopes is shared by every request with the same scopes setting and is read-only; "
            "pass PassportMiddleware(scopes=fn(user)) to compute them per user"
        )

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __copy__(self) -> list[str]:
        return list(self)  # a copy is the caller's own: a plain, changeable list

    def __deepcopy__(self, memo: dict[int, Any]) -> list[str]:
        return list(self)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (list(self),)  # list's default would rebuild it with append


class _SharedReadOnly:
    """One instance serves many requests: it refuses changes and copies as itself."""

    _refusal = "this object is shared by requests and read-only"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(self._refusal)

    def __delattr__(self, name: str) -> None:
        raise AttributeError(self._refusal)

    def __copy__(self) -> Any:
        return self  # immutable, like a tuple

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        return self


class SharedCredentials(_SharedReadOnly, AuthCredentials):
    """``scope["auth"]`` of a logged-in user when the scopes are a fixed list: built once, read-only.

    Every logged-in request of an app has the same scopes unless they are computed per user, so
    one object serves them all instead of one per request.
    """

    _refusal = "request.auth is shared by requests and read-only"

    def __init__(self, scopes: Sequence[str]) -> None:
        object.__setattr__(self, "scopes", _ReadOnlyScopes(scopes))

    def __repr__(self) -> str:
        return f"SharedCredentials({list(self.scopes)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (list(self.scopes),)


class AnonymousUser(_SharedReadOnly, UnauthenticatedUser):
    """``scope["user"]`` of an anonymous request: Starlette's ``UnauthenticatedUser``, shared and read-only."""

    _refusal = "request.user of an anonymous request is shared by requests and read-only"

    def __repr__(self) -> str:
        return "AnonymousUser()"


# One of each for every anonymous request: neither carries anything of the request's own.
ANONYMOUS_USER: Final = AnonymousUser()
NO_CREDENTIALS: Final = SharedCredentials([])

AuthSetting = SharedCredentials | Callable[[Any], Sequence[str]]


def _auth_setting(scopes: Scopes) -> AuthSetting:
    """What ``scope["auth"]`` is made from: one shared object for fixed scopes, else ``fn(user)``."""
    return scopes if callable(scopes) else SharedCredentials(scopes)
