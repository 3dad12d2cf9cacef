"""The parity suite's Django app: the route table served by ``passport.django``, and the
translation layer that lets the same assertions hold for it.

passport.django makes a passport login a Django login by design: ``django.contrib.auth.login``
with model users, Django's own session keys, Django's ``AuthenticationMiddleware`` restoring
``request.user`` (passport's serializers are not used), ``django.contrib.messages`` for flashes.
The other apps use dict users and passport's session layout. The mapping, in one place:

- **users**: ann, bob and ghost are rows of Django's user model (``username`` is the dict
  user's ``id``, ``first_name`` its ``name``, password :data:`~parity._support.PASSWORD`),
  made for each test and deleted after it. Every view renders a user as
  ``{"id": username, "name": first_name}``, the dict users' shape; LocalStrategy's verify is
  Django's ``authenticate()``.
- **/session** reports Django's login record (``_auth_user_id``, ``_auth_user_backend``,
  ``_auth_user_hash``) under the logical name ``"passport"``; every other key as it is.
- **ghost** ("the deserializer no longer finds it"): its row is deleted right after
  ``/login-as/ghost``, so the next request's ``AuthenticationMiddleware`` finds no user.
- **session version** ("log out everywhere"): Django's equivalent is the session auth hash,
  derived from the stored password hash. Bumping ``SESSION_VERSIONS[name]`` re-hashes that
  user's password (same password, new salt), which ends every session of theirs, copied
  cookies included, exactly as a password change does.
- **/flashes** reads ``django.contrib.messages``: a message's category is its extra tag
  (``notice``) or its level's tag (``success``, ``error``...), the inverse of
  ``DjangoRequest.flash``.
- **/login-as**, **/logout**: ``Passport.login``/``logout`` on ``DjangoRequest`` (Django's
  ``login()``/``logout()``); the ``/async/`` twins use ``alogin``/``alogout`` in async views.
- **/protected**: Django's own ``login_required`` (``LOGIN_URL`` ``/login``): passport.django
  hands login_required to Django (see :data:`NOT_FOR_DJANGO`).
- The app is Django's WSGI handler driven by the same ``ServerWSGITransport`` as Flask, so
  hostile bodies reach Django as a PEP 3333 server hands them over.

Configuration: the ``djproject`` test project (``tests/_django_setup.py``, shared with
``tests/django``), with ``override_settings`` for the duration of each test: ``ROOT_URLCONF``
the URLconf built here, ``PASSPORT`` the parity Passport, ``SESSION_COOKIE_NAME`` ``"session"``
(the name the tests read), ``LOGIN_URL``. Views are CSRF-exempt: Django's CSRF protection of
login forms is tested in ``tests/django``.
"""

from __future__ import annotations

import contextlib
import json
import types
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

from _django_setup import configure
from asgiref.sync import iscoroutinefunction

configure()

from django.contrib import messages  # noqa: E402  # Django is configured first
from django.contrib.auth import BACKEND_SESSION_KEY  # noqa: E402
from django.contrib.auth import HASH_SESSION_KEY  # noqa: E402
from django.contrib.auth import SESSION_KEY  # noqa: E402
from django.contrib.auth import authenticate as django_authenticate  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.decorators import login_required  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpRequest  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.http import HttpResponseNotAllowed  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import override_settings  # noqa: E402
from django.urls import path as url  # noqa: E402
from parity._support import ANN  # noqa: E402
from parity._support import BOB  # noqa: E402
from parity._support import GHOST  # noqa: E402
from parity._support import PASSWORD  # noqa: E402
from parity._support import SESSION_VERSIONS  # noqa: E402

from passport.core import Passport  # noqa: E402
from passport.django import DjangoRequest  # noqa: E402
from passport.django import authenticate  # noqa: E402
from passport.django import authorize  # noqa: E402
from passport.django import get_passport  # noqa: E402

NOT_FOR_DJANGO: dict[str, str] = {
    **dict.fromkeys(
        [
            "test_sessions.py::test_login_required_redirects_an_anonymous_user_to_the_login_url",
            "test_sessions.py::test_login_returns_to_the_page_login_required_saved",
            "test_sessions.py::test_the_saved_page_is_used_once",
            "test_return_to.py::test_login_required_sends_a_non_ascii_page_to_the_login_url",
            "test_return_to.py::test_login_returns_to_a_non_ascii_page_percent_encoded",
            "test_agreement.py::test_the_return_location_is_the_same_everywhere",
            "test_agreement.py::test_the_login_required_location_is_the_same_everywhere",
        ],
        "login_required is Django's own (README: @login_required works unchanged): it redirects to "
        "LOGIN_URL?next=... and never saves passport's session['returnTo']",
    ),
    **dict.fromkeys(
        [
            "test_route_options.py::test_a_login_drops_the_keys_planted_before_it",
            "test_sessions.py::test_login_regenerates_the_session_dropping_what_was_there",
            "test_sessions.py::test_alogin_in_an_async_view_regenerates_the_session",
        ],
        "a passport login is Django's login(): it rotates the session key but keeps the anonymous "
        "session's data (tests/django asserts it), so keep_session_info does not apply",
    ),
}
"""Parity cases that cannot apply to Django, by ``file::test``, each with its reason: Django owns
that concern and passport.django hands it to Django by design. Tests taking ``clients`` compare
the other apps only."""

LOGIN_RECORD = frozenset({SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY})
"""django.contrib.auth's session keys (``_auth_user_id``, ``_auth_user_backend``,
``_auth_user_hash``): together, the login record other apps keep as ``session["passport"]``."""

USERS: dict[str, Any] = {}
"""The current test's user rows by name (the Django app's ``users`` for ``make_passport``)."""

NAMES = {user["id"]: user["name"] for user in (ANN, BOB, GHOST)}
"""The rows made for each test: username and first name of the dict users."""


def check_password(username: str, password: str) -> Any:
    """LocalStrategy's verify for Django: Django's ``authenticate()`` (its backends)."""
    user = django_authenticate(username=username, password=password)
    return user if user is not None else (None, {"message": "Incorrect username or password."})


# -- views ---------------------------------------------------------------------------------------


def _person(user: Any) -> dict[str, str] | None:
    if user is None or not user.is_authenticated:
        return None
    return {"id": user.get_username(), "name": user.first_name}


def _state(request: HttpRequest) -> dict[str, Any]:
    return {
        "user": _person(getattr(request, "user", None)),
        "auth_info": getattr(request, "auth_info", None),
        "account": _person(getattr(request, "account", None)),
    }


def _view(kind: str) -> Callable[..., Any]:
    if kind == "async":

        async def async_view(request: HttpRequest, **path_params: Any) -> HttpResponse:
            return JsonResponse(_state(request))

        return async_view

    def view(request: HttpRequest, **path_params: Any) -> HttpResponse:
        return JsonResponse(_state(request))

    return view


def _route(view: Callable[..., Any], methods: tuple[str, ...] = ("GET",)) -> Callable[..., Any]:
    """``view`` answering only ``methods`` (else 405), CSRF-exempt; kept ``def`` or ``async def``
    (Django 4.2's own method decorators do not keep async views async)."""
    if iscoroutinefunction(view):

        async def async_routed(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return await view(request, **kwargs)  # type: ignore[no-any-return]

        routed: Callable[..., Any] = async_routed
    else:

        def sync_routed(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, **kwargs)  # type: ignore[no-any-return]

        routed = sync_routed
    routed.csrf_exempt = True  # type: ignore[attr-defined]  # what csrf_exempt sets
    return routed


def _flashes(request: HttpRequest) -> HttpResponse:
    pairs = [[m.extra_tags or m.level_tag, m.message] for m in messages.get_messages(request)]
    return JsonResponse({"flashes": pairs})


def _messages(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"messages": request.session.get("messages", [])})


def _session_keys(request: HttpRequest) -> HttpResponse:
    keys = {"passport" if key in LOGIN_RECORD else key for key in request.session.keys()}
    return JsonResponse({"keys": sorted(keys)})


def _plant(request: HttpRequest) -> HttpResponse:
    request.session["planted"] = "yes"
    return _session_keys(request)


def _login_as(request: HttpRequest, name: str) -> HttpResponse:
    user = USERS[name]
    get_passport().login(DjangoRequest.of(request), user)
    if name == "ghost":
        user.delete()  # gone: the next request's AuthenticationMiddleware finds no such user
    return JsonResponse(_state(request))


async def _alogin_as(request: HttpRequest, name: str) -> HttpResponse:
    user = USERS[name]
    await get_passport().alogin(await DjangoRequest.aof(request), user)
    if name == "ghost":
        await user.adelete()
    return JsonResponse(_state(request))


def _logout(request: HttpRequest) -> HttpResponse:
    get_passport().logout(DjangoRequest.of(request))
    return JsonResponse(_state(request))


async def _alogout(request: HttpRequest) -> HttpResponse:
    await get_passport().alogout(await DjangoRequest.aof(request))
    return JsonResponse(_state(request))


@authenticate("apikey", session=False)
def _reread(request: HttpRequest) -> HttpResponse:
    """What the view reads from the body itself, after the guard read it."""
    raw = request.body
    kind = request.content_type or ""
    form: dict[str, list[Any]] = {}
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = {name: values for name, values in request.POST.lists()}
        form.update({name: [upload.name for upload in files] for name, files in request.FILES.lists()})
    parsed = None
    if kind == "application/json":
        with contextlib.suppress(ValueError):
            parsed = json.loads(raw)
    return JsonResponse({"raw": raw.decode("utf-8", "replace"), "json": parsed, "form": form})


def _django_path(path: str) -> str:
    return path.lstrip("/").replace("{rest:path}", "<path:rest>").replace("{name}", "<str:name>")


def build_urlconf(routes: list[Any], chain: Callable[[Any], Any]) -> types.ModuleType:
    """A URLconf module serving ``routes`` (the parity route table) and the special endpoints."""
    patterns = []
    for route in routes:
        guard = authenticate if route.guard == "authenticate" else authorize
        view = guard(chain(route), **route.options)(_view(route.view))
        patterns.append(url(_django_path(route.path), _route(view, route.methods)))
    protected = login_required(_view("sync"), login_url="/login")
    specials: dict[str, tuple[Callable[..., Any], str]] = {
        "/me": (_view("sync"), "GET"),
        "/flashes": (_flashes, "GET"),
        "/messages": (_messages, "GET"),
        "/session": (_session_keys, "GET"),
        "/plant": (_plant, "POST"),
        "/protected": (protected, "GET"),
        "/protected/{rest:path}": (protected, "GET"),
        "/login-as/{name}": (_login_as, "POST"),
        "/logout": (_logout, "POST"),
        "/async/login-as/{name}": (_alogin_as, "POST"),
        "/async/logout": (_alogout, "POST"),
        "/reread": (_reread, "POST"),
    }
    for path, (view, method) in specials.items():
        patterns.append(url(_django_path(path), _route(view, (method,))))
    urlconf = types.ModuleType("parity_django_urls")
    urlconf.urlpatterns = patterns  # type: ignore[attr-defined]
    return urlconf


# -- serving -------------------------------------------------------------------------------------


def _revoke(name: str) -> None:
    """Django's "log out everywhere": a new password hash, so a new session auth hash."""
    user = USERS.get(name)
    if user is not None:
        user.set_password(PASSWORD)  # a new salt: the same password, another stored hash
        user.save(update_fields=["password"])


@contextlib.contextmanager
def serve(urlconf: types.ModuleType, passport: Passport) -> Iterator[WSGIHandler]:
    """Django's WSGI handler for the parity app, for one test: the user rows exist, the settings
    point at the parity URLconf and Passport; afterwards rows and sessions are deleted."""
    model = get_user_model()
    for name, first_name in NAMES.items():
        USERS[name] = model.objects.create_user(name, password=PASSWORD, first_name=first_name)
    SESSION_VERSIONS.watchers.append(_revoke)
    try:
        with override_settings(
            ROOT_URLCONF=urlconf, PASSPORT=passport, SESSION_COOKIE_NAME="session", LOGIN_URL="/login"
        ):
            yield WSGIHandler()  # built inside: its middleware chain is the overridden settings'
    finally:
        SESSION_VERSIONS.watchers.remove(_revoke)
        model.objects.filter(username__in=list(NAMES)).delete()
        Session.objects.all().delete()
        USERS.clear()


def not_for_django(node: Any) -> str | None:
    """The reason the test ``node`` cannot apply to Django, or ``None``."""
    return NOT_FOR_DJANGO.get(f"{node.path.name}::{node.originalname}")
