"""``PassportMiddleware``: passport's errors answered the Django way (sync and async)."""

from __future__ import annotations

from collections.abc import Awaitable
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction
from asgiref.sync import markcoroutinefunction

from django.http import HttpRequest
from django.http import HttpResponseBase
from passport.core.adapters import error_response
from passport.django._responses import to_django


class PassportMiddleware:
    """Answer passport's errors with their status: ``fail_with_error``'s
    :class:`~passport.core.AuthenticationError` as 401 with every ``WWW-Authenticate`` challenge,
    an upstream fault (an OAuth provider down) as 502 — never a 500. Put it after Django's
    ``AuthenticationMiddleware``; a middleware of the app's own placed after it can handle
    these errors first (``process_exception``).
    """

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponseBase | Awaitable[HttpResponseBase]:
        return self.get_response(request)  # type: ignore[no-any-return]  # a coroutine when async

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        answer = error_response(exception)
        return None if answer is None else to_django(answer)
