"""``DjangoRequest``: the :class:`passport.core.Request` view of a Django ``HttpRequest``."""

from __future__ import annotations

import io
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import MutableMapping
from functools import cached_property
from typing import Any
from typing import Final
from typing import final

from asgiref.sync import sync_to_async

from django.conf import settings
from django.contrib import auth
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from passport.core.adapters import MAX_QUEUED_MESSAGES
from passport.core.adapters import body_kind
from passport.core.adapters import check_body
from passport.core.adapters import fields_from_pairs
from passport.core.adapters import iri_to_uri
from passport.core.adapters import parse_body

VIEW_KEY: Final = "_passport_request"
"""The ``HttpRequest`` attribute holding its one :class:`DjangoRequest`."""

LEVELS: Final = {
    "debug": messages.DEBUG,
    "info": messages.INFO,
    "success": messages.SUCCESS,
    "warning": messages.WARNING,
    "error": messages.ERROR,
}


@final
class DjangoRequest:
    """The :class:`passport.core.Request` of one Django request (one per request, kept on it).

    ``user`` is Django's ``request.user`` (``None`` while it is anonymous): a passport login is a
    Django login. The login steps are Django's own (``login_session``/``logout_session``):
    ``django.contrib.auth.login`` rotates the session key (``cycle_key``), rotates the CSRF token
    and stores the session auth hash, so a password change ends the user's other sessions.
    Flashes go to ``django.contrib.messages``.
    """

    def __init__(self, request: HttpRequest, async_mode: bool = False) -> None:
        self._request = request
        self.method = request.method or "GET"
        self.path = request.path_info
        self.client_address: str | None = request.META.get("REMOTE_ADDR") or None
        self.body: Mapping[str, Any] = {}
        self.raw_body = b""
        self.auth_info: Any = None
        self.response_headers: list[tuple[str, str]] = []
        # Optional capabilities the core looks up: Django's own login and logout, async in
        # async views (Django's ORM may not run on the event loop).
        self.login_session: Callable[[Any], Any]
        self.logout_session: Callable[[], Any]
        if async_mode:
            self.login_session, self.logout_session = self._alogin_session, self._alogout_session
        else:
            self.login_session, self.logout_session = self._login_session, self._logout_session

    @classmethod
    def of(cls, request: HttpRequest, async_mode: bool = False) -> DjangoRequest:
        """The view of ``request``, made once per request (in async views, see :meth:`aof`)."""
        key = VIEW_KEY + ("_async" if async_mode else "")
        view: DjangoRequest | None = getattr(request, key, None)
        if view is None:
            view = cls(request, async_mode)
            setattr(request, key, view)
        return view

    @classmethod
    async def aof(cls, request: HttpRequest) -> DjangoRequest:
        """The view of ``request`` in an async view, with Django's lazy ``request.user`` loaded
        off the event loop, as ``Passport.alogout`` needs::

            await get_passport().alogout(await DjangoRequest.aof(request))

        (Reading ``AuthenticationMiddleware``'s lazy user on the event loop is Django's
        ``SynchronousOnlyOperation``.)
        """
        view = cls.of(request, async_mode=True)
        user = getattr(request, "user", None)
        if isinstance(user, SimpleLazyObject):  # AuthenticationMiddleware's, perhaps never loaded
            auser = getattr(request, "auser", None)  # Django 5.0+
            request.user = await auser() if auser is not None else await sync_to_async(auth.get_user)(request)
        return view

    @property
    def user(self) -> Any:
        user = getattr(self._request, "user", None)
        return None if user is None or not user.is_authenticated else user

    @user.setter
    def user(self, value: Any) -> None:
        if value is None:
            from django.contrib.auth.models import AnonymousUser  # models need a set-up Django

            value = AnonymousUser()
        self._request.user = value

    @cached_property
    def url(self) -> str:
        return iri_to_uri(self._request.build_absolute_uri())

    @cached_property
    def headers(self) -> Mapping[str, str]:
        return MetaHeaders(self._request.META)

    @cached_property
    def query(self) -> dict[str, Any]:
        return fields_from_pairs((k, v) for k, values in self._request.GET.lists() for v in values)

    @property
    def return_to(self) -> str | None:
        """The page to go back to after login, as Django carries it: the ``next`` field
        (``REDIRECT_FIELD_NAME``) of the login form's body or of its URL, which
        ``@login_required`` and ``LoginRequiredMixin`` put there. The core follows it only for a
        same-origin relative path (``success_return_to_or_redirect``)."""
        for fields in (self.body, self.query):
            value = fields.get(REDIRECT_FIELD_NAME)
            if type(value) is str and value:
                return value
        return None

    @property
    def cookies(self) -> Mapping[str, str]:
        return self._request.COOKIES

    @property
    def session(self) -> MutableMapping[str, Any] | None:
        return getattr(self._request, "session", None)

    def load_body(self) -> None:
        """Decode the form, JSON or multipart body (strict; a BodyError for 400/413/415).

        Django's own limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``) apply first; a body that
        middleware read already (CSRF reads POST forms) is taken from Django's cache.
        """
        request = self._request
        kind, params = body_kind(self.method, request.META.get("CONTENT_TYPE"))
        if kind is None:
            return
        length = request.META.get("CONTENT_LENGTH")
        check_body(kind, params, int(length) if length and length.isdigit() else None)
        if getattr(request, "_read_started", False) and not hasattr(request, "_body"):
            # A multipart body Django parsed from the stream: its fields, no raw bytes.
            self.body = fields_from_pairs((k, v) for k, values in request.POST.lists() for v in values)
            return
        data = request.body  # Django reads and caches it (within DATA_UPLOAD_MAX_MEMORY_SIZE)
        check_body(kind, params, len(data))
        if not hasattr(request, "_stream"):
            request._stream = io.BytesIO(data)
        self.body = parse_body(kind, params, data)
        self.raw_body = data

    # -- optional capabilities --------------------------------------------------------------------

    def flash(self, message: str, category: str = "message") -> None:
        """``django.contrib.messages``: the category becomes the level (``error``, ``success``,
        ...), any other one an ``info`` message tagged with it. At most
        :data:`~passport.core.adapters.MAX_QUEUED_MESSAGES` unread messages are kept, the newest."""
        level = LEVELS.get(category)
        tags = "" if level is not None else category
        unread = messages.get_messages(self._request)  # an empty list without MessageMiddleware
        if not isinstance(unread, list) and len(unread) >= MAX_QUEUED_MESSAGES:
            # Bounded as in every adapter: the newest are kept. Reading marks them all used, so
            # only what is added again (and this flash) is stored.
            for kept in list(unread)[1 - MAX_QUEUED_MESSAGES :]:
                unread.add(kept.level, kept.message, kept.extra_tags or "")
        messages.add_message(self._request, level or messages.INFO, message, extra_tags=tags, fail_silently=True)

    def regenerate_session(self) -> None:
        session = self.session
        if session is not None:
            session.cycle_key()  # type: ignore[attr-defined]

    def add_response_header(self, name: str, value: str) -> None:
        self.response_headers.append((name, value))

    def _login_session(self, user: Any) -> None:
        """Django's ``login()``: the session key rotated, the CSRF token rotated, the auth hash kept."""
        auth.login(self._request, _django_user(user), backend=getattr(settings, "PASSPORT_AUTH_BACKEND", None))

    def _logout_session(self) -> None:
        auth.logout(self._request)

    async def _alogin_session(self, user: Any) -> None:
        await _alogin(self._request, _django_user(user), getattr(settings, "PASSPORT_AUTH_BACKEND", None))

    async def _alogout_session(self) -> None:
        await _alogout(self._request)


def _django_user(user: Any) -> Any:
    if getattr(user, "_meta", None) is None or getattr(user, "pk", None) is None:
        raise TypeError(
            "passport.django logs users in with django.contrib.auth: verify must return a saved "
            f"user model instance, not a {type(user).__name__}"
        )
    return user


async def _alogin(request: HttpRequest, user: Any, backend: str | None) -> None:
    alogin = getattr(auth, "alogin", None)  # Django 5.0+
    if alogin is not None:
        await alogin(request, user, backend=backend)
        return
    await sync_to_async(auth.login)(request, user, backend=backend)


async def _alogout(request: HttpRequest) -> None:
    alogout = getattr(auth, "alogout", None)
    if alogout is not None:
        await alogout(request)
        return
    await sync_to_async(auth.logout)(request)


_UNPREFIXED: Final = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})


@final
class MetaHeaders(Mapping[str, str]):
    """Case-insensitive headers read straight from ``request.META`` (``HTTP_X_API_KEY``).

    A strategy looks up one or two headers; Django's ``request.headers`` would parse every
    ``META`` key first, which costs more than the rest of an API-key guard.
    """

    __slots__ = ("_meta",)

    def __init__(self, meta: Mapping[str, Any]) -> None:
        self._meta = meta

    @staticmethod
    def _key(name: str) -> str:
        key = name.upper().replace("-", "_")
        return key if key in _UNPREFIXED else "HTTP_" + key

    def __getitem__(self, name: str) -> str:
        value = self._meta[self._key(name)]
        if type(value) is not str:
            raise KeyError(name)
        return value

    def get(self, name: str, default: Any = None) -> Any:  # hot path: one dict lookup
        value = self._meta.get(self._key(name), default)
        return value if type(value) is str else default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and type(self._meta.get(self._key(name))) is str

    def __iter__(self) -> Iterator[str]:
        for key, value in self._meta.items():
            if type(value) is str and (key.startswith("HTTP_") or key in _UNPREFIXED):
                yield (key[5:] if key.startswith("HTTP_") else key).replace("_", "-").lower()

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"MetaHeaders({sorted(self)!r})"  # names only: values can be credentials
