"""``StarletteGuard``: a route guard, as a FastAPI dependency or a Starlette endpoint decorator."""

from __future__ import annotations

import functools
import importlib.util
import inspect
from collections.abc import Callable
from collections.abc import Sequence
from typing import Any
from typing import final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from passport.core import Guard
from passport.core import PassportError
from passport.core import Response
from passport.core.adapters import BODY_METHODS
from passport.core.adapters import is_async_callable
from passport.starlette._request import StarletteRequest
from passport.starlette._request import _view
from passport.starlette._responses import PassportHTTPException
from passport.starlette._responses import http_error
from passport.starlette._responses import to_starlette


@final
class StarletteGuard:
    """A route guard: a FastAPI dependency (``Depends(guard)``) and, with :meth:`protect`, a decorator.

    As a dependency it returns the user (or the ``assign_property`` value); the response passport
    chose instead is raised as :class:`PassportHTTPException`. In a FastAPI app it also declares
    its strategies' OpenAPI security schemes (see :class:`PassportStarlette`).

    :param guard: the core's guard.
    :param security: called once, when FastAPI first reads the guard's signature (as the route
        is declared), for the ``Security`` parameters that declare the schemes; ``None``: none.
    """

    def __init__(self, guard: Guard, *, security: Callable[[], Sequence[inspect.Parameter]] | None = None) -> None:
        self.guard = guard
        self._property = guard.opts.assign_property
        self._security = security
        self._signature: inspect.Signature | None = None

    def _fastapi_signature(self) -> inspect.Signature:
        """``(request, *, passport_scheme_0=Security(...), ...)``, built on first look, then kept."""
        signature = self._signature
        if signature is None:
            parameters = [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)]
            # Without FastAPI nothing reads the schemes, and Starlette alone must keep working.
            if self._security is not None and importlib.util.find_spec("fastapi") is not None:
                parameters.extend(self._security())
            signature = self._signature = inspect.Signature(parameters)
        return signature

    async def _run(self, request: Request) -> tuple[StarletteRequest, Response | None]:
        """Read the body, run the guard; a status-carrying error becomes an ``HTTPException``."""
        scope = request.scope
        passport_request = _view(scope)
        if scope.get("method") in BODY_METHODS:  # the common API call has no body to read
            await passport_request.load_body(request)
        try:
            response = await self.guard.arun(passport_request)
        except PassportError as exc:
            error = http_error(exc)
            if error is None:
                raise
            raise error from exc
        if response is None:
            # auth_info (and the assign_property value) on request.state: through scope["state"],
            # the dict request.state wraps, not a State object per request.
            state = scope.setdefault("state", {})
            state["auth_info"] = passport_request.auth_info
            prop = self._property
            if prop is not None:
                state[prop] = getattr(passport_request, prop, None)
        return passport_request, response

    async def __call__(self, request: Request, **schemes: Any) -> Any:
        # ``schemes``: the values of the Security parameters, always None; passport's guard alone
        # reads the credentials.
        passport_request, response = await self._run(request)
        if response is not None:
            raise PassportHTTPException(response)
        return passport_request.user if self._property is None else getattr(passport_request, self._property)

    def protect(self, endpoint: Callable[[Request], Any]) -> Callable[[Request], Any]:
        """Guard a Starlette endpoint (``async def`` or ``def``, taking the request)."""
        is_async = is_async_callable(endpoint)

        @functools.wraps(endpoint)
        async def guarded(request: Request) -> Any:
            _, response = await self._run(request)
            if response is not None:
                return to_starlette(response)
            return await endpoint(request) if is_async else await run_in_threadpool(endpoint, request)

        return guarded


class _Signature:
    """``guard.__signature__``, which ``inspect.signature`` (so FastAPI) reads before ``__call__``'s."""

    def __get__(self, guard: StarletteGuard | None, owner: type[StarletteGuard]) -> inspect.Signature | None:
        # On the class itself: None, so inspect.signature(StarletteGuard) describes __init__.
        return None if guard is None else guard._fastapi_signature()


StarletteGuard.__signature__ = _Signature()  # type: ignore[attr-defined]

# FastAPI reads a dependency's annotations at run time, and an instance has no globals to resolve
# the postponed ones with: give it the real class.
StarletteGuard.__call__.__annotations__["request"] = Request
