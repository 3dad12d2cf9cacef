"""Views guarded by passport.django: a login form, API views, class-based views."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http import HttpResponse
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.views import View

from passport.django import AuthenticateMixin
from passport.django import DjangoRequest
from passport.django import authenticate
from passport.django import get_passport


@authenticate(
    "local", success_redirect="/me/", failure_redirect="/login/", failure_flash="Invalid username or password."
)
def _post_login(request: HttpRequest) -> HttpResponse:
    return redirect("/me/")  # not reached: success_redirect answers first


def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _post_login(request)
    flashed = " | ".join(f"{m.level_tag}:{m.message}" for m in messages.get_messages(request))
    return HttpResponse(
        f'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="{get_token(request)}">'
        f'<input name="username"><input name="password" type="password"></form><p id="flashes">{flashed}</p>'
    )


@authenticate("local", success_return_to_or_redirect="/home/", failure_redirect="/login/")
def next_login_view(request: HttpRequest) -> HttpResponse:
    return redirect("/home/")  # not reached: the success answers first


@authenticate("local", success_return_to_or_redirect="/home/", failure_redirect="/login/")
async def anext_login_view(request: HttpRequest) -> HttpResponse:
    return redirect("/home/")  # not reached


@authenticate("local", session=True)
async def alogin_view(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.get_username()})  # Django's alogin() set it


@login_required
def page(request: HttpRequest, rest: str) -> HttpResponse:
    return JsonResponse({"user": request.user.get_username(), "path": request.get_full_path()})


@login_required
def me(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.get_username()})


def change_password(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    user.set_password(request.POST["password"])
    user.save()
    if request.POST.get("keep"):
        update_session_auth_hash(request, user)  # this session stays; the others end
    return JsonResponse({"changed": True})


def logout_view(request: HttpRequest) -> HttpResponse:
    get_passport().logout(DjangoRequest.of(request))
    return JsonResponse({"user": None})


@authenticate(["bearer", "apikey"], session=False)
def api(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.get_username(), "info": request.auth_info})  # type: ignore[attr-defined]


@authenticate(["bearer", "apikey"], session=False)
async def aapi(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.get_username()})


@authenticate("apikey", session=False, fail_with_error=True)
def strict(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"user": request.user.get_username()})


class TokenView(AuthenticateMixin, View):
    passport_strategies = ["bearer"]
    passport_options = {"session": False}

    def get(self, request: HttpRequest) -> HttpResponse:
        return JsonResponse({"user": request.user.get_username(), "view": "sync"})


class AsyncTokenView(AuthenticateMixin, View):
    passport_strategies = ["bearer"]
    passport_options = {"session": False}

    async def get(self, request: HttpRequest) -> HttpResponse:
        return JsonResponse({"user": request.user.get_username(), "view": "async"})
