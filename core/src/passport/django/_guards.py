"""Guards for Django views: a decorator for function views, a mixin for class-based views."""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import TypeVar

from asgiref.sync import iscoroutinefunction
from asgiref.sync import markcoroutinefunction

from django.http import HttpRequest
from django.http import HttpResponseBase
from passport.core import AuthenticationError
from passport.core import Guard
from passport.core import PassportError
from passport.core import Strategy
from passport.core.adapters import error_response
from passport.django._request import DjangoRequest
from passport.django._responses import add_headers
from passport.django._responses import to_django
from passport.django._settings import get_passport

V = TypeVar("V", bound=Callable[..., Any])
Strategies = str | Strategy | Sequence[str | Strategy]


def authenticate(strategies: Strategies, **options: Any) -> Callable[[V], V]:
    """Guard a function view (``def`` or ``async def``) with :meth:`Passport.authenticate`'s
    route options; the view runs when the guard lets the request through::

        @authenticate("local", success_redirect="/", failure_redirect="/login/", failure_flash=True)
        def login_view(request): ...

        @authenticate(["bearer", "apikey"], session=False)     # an API view: no session touched
        async def api(request): ...

    ``fail_with_error=True`` raises :class:`~passport.core.AuthenticationError` to Django's error
    handling (``PassportMiddleware`` answers it with 401 and every challenge).
    """
    return _decorator(lambda: get_passport().authenticate(strategies, **options))


def authorize(strategies: Strategies, **options: Any) -> Callable[[V], V]:
    """Like :func:`authenticate`, but the account lands on ``request.account`` and the login
    session is left alone (connecting a second account)."""
    return _decorator(lambda: get_passport().authorize(strategies, **options))


def _decorator(make_guard: Callable[[], Guard]) -> Callable[[V], V]:
    guard_cell: list[Guard] = []

    def guard() -> Guard:
        if not guard_cell:  # built at the first request: settings are ready by then
            guard_cell.append(make_guard())
        return guard_cell[0]

    def decorate(view: V) -> V:
        if iscoroutinefunction(view):

            @functools.wraps(view)
            async def aguarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                passport_request = DjangoRequest.of(request, async_mode=True)
                early = await arun_guard(guard(), passport_request, request)
                if early is not None:
                    return early
                return with_headers(await view(request, *args, **kwargs), passport_request)

            return markcoroutinefunction(aguarded)  # type: ignore[return-value]

        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            passport_request = DjangoRequest.of(request)
            early = run_guard(guard(), passport_request, request)
            if early is not None:
                return early
            return with_headers(view(request, *args, **kwargs), passport_request)

        return guarded  # type: ignore[return-value]

    return decorate


def run_guard(guard: Guard, view: DjangoRequest, request: HttpRequest) -> HttpResponseBase | None:
    """Run ``guard``: ``None`` to let the view run, else the response to send instead."""
    try:
        view.load_body()
        response = guard.run(view)
    except PassportError as exc:
        return _answer(exc, view)
    return _after(guard, view, request, response)


async def arun_guard(guard: Guard, view: DjangoRequest, request: HttpRequest) -> HttpResponseBase | None:
    """:func:`run_guard` for async views."""
    try:
        view.load_body()
        response = await guard.arun(view)
    except PassportError as exc:
        return _answer(exc, view)
    return _after(guard, view, request, response)


def _answer(exc: PassportError, view: DjangoRequest) -> HttpResponseBase:
    """A refused body or an upstream fault, answered with its status; ``fail_with_error``'s
    error and errors without a status go on to Django's error handling."""
    answer = None if isinstance(exc, AuthenticationError) else error_response(exc)
    if answer is None:
        raise exc  # PassportMiddleware answers AuthenticationError with 401 and its challenges
    return to_django(answer, view)


def _after(guard: Guard, view: DjangoRequest, request: HttpRequest, response: Any) -> HttpResponseBase | None:
    request.auth_info = view.auth_info  # type: ignore[attr-defined]
    prop = guard.opts.assign_property
    if prop is not None:
        setattr(request, prop, getattr(view, prop, None))
    return None if response is None else to_django(response, view)


def with_headers(response: Any, view: DjangoRequest) -> Any:
    if view.response_headers and isinstance(response, HttpResponseBase):
        add_headers(response, view.response_headers)
        view.response_headers.clear()
    return response


class AuthenticateMixin:
    """Guard a class-based view: set ``passport_strategies`` and, optionally, ``passport_options``
    (the route options). Works for sync and async views (``async def get``)::

        class Profile(AuthenticateMixin, View):
            passport_strategies = ["bearer", "apikey"]
            passport_options = {"session": False}
    """

    passport_strategies: Strategies = ()
    passport_options: dict[str, Any] = {}
    _passport_guard: Guard | None = None

    @classmethod
    def get_passport_guard(cls) -> Guard:
        guard = cls.__dict__.get("_passport_guard")
        if guard is None:
            if not cls.passport_strategies:
                raise TypeError(f"{cls.__name__} sets no passport_strategies")
            guard = get_passport().authenticate(cls.passport_strategies, **cls.passport_options)
            cls._passport_guard = guard
        return guard

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        guard = self.get_passport_guard()
        parent = super().dispatch  # type: ignore[misc]
        if getattr(self, "view_is_async", False):

            async def adispatch() -> Any:
                view = DjangoRequest.of(request, async_mode=True)
                early = await arun_guard(guard, view, request)
                if early is not None:
                    return early
                return with_headers(await parent(request, *args, **kwargs), view)

            return adispatch()
        view = DjangoRequest.of(request)
        early = run_guard(guard, view, request)
        if early is not None:
            return early
        return with_headers(parent(request, *args, **kwargs), view)
