"""Django integration: passport guards on Django views, logins that are Django logins.

::

    # settings.py
    PASSPORT = "myapp.auth.passport"                    # your configured passport.core.Passport
    INSTALLED_APPS = [..., "passport.django"]           # system checks (passport.E001, E002, W001)
    MIDDLEWARE = [
        ...,
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "passport.django.PassportMiddleware",           # passport's errors as 401/400/502
    ]

    # views.py
    from passport.django import authenticate, AuthenticateMixin

    @authenticate("local", success_redirect="/", failure_redirect="/login/", failure_flash=True)
    def login_view(request): ...                        # POST: Django's login() ran; GET: your form

    @authenticate(["bearer", "apikey"], session=False)  # API views never touch the session
    async def api(request): return JsonResponse({"user": request.user.username})

A passport login *is* a Django login: a successful guard with sessions calls
``django.contrib.auth.login`` (session key rotation with ``cycle_key``, CSRF token rotation, the
session auth hash that ends other sessions when the password changes), so ``request.user``,
``@login_required``, ``LoginRequiredMixin``, permissions and the admin keep working, and
Django's ``AuthenticationMiddleware`` restores the user on later requests (passport's
serializers are not used). ``verify`` functions return user model instances. Flashes go to
``django.contrib.messages``; Django's CSRF protection guards login forms as usual. In async
views, Django's ``alogin``/``alogout`` are used and sync ``verify`` functions run in a worker
thread; log out from an async view with
``await get_passport().alogout(await DjangoRequest.aof(request))``, which loads Django's lazy
``request.user`` off the event loop first.
"""

from passport.django._guards import AuthenticateMixin
from passport.django._guards import authenticate
from passport.django._guards import authorize
from passport.django._middleware import PassportMiddleware
from passport.django._request import DjangoRequest
from passport.django._settings import get_passport

__all__ = ["AuthenticateMixin", "DjangoRequest", "PassportMiddleware", "authenticate", "authorize", "get_passport"]
