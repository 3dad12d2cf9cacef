"""Passport's answers as Django responses, and the headers it adds to the app's own."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.http import HttpResponseBase
from passport.core import Response

if TYPE_CHECKING:
    from passport.django._request import DjangoRequest


def to_django(response: Response, view: DjangoRequest | None = None) -> HttpResponse:
    """A :class:`passport.core.Response` as an ``HttpResponse``.

    Django keeps one value per header name, so repeated headers (several ``WWW-Authenticate``
    challenges) are sent as one comma-separated list, which RFC 9110 makes equivalent.
    """
    answer = HttpResponse(response.body.encode(), status=response.status)
    add_headers(answer, response.headers)
    if view is not None:
        add_headers(answer, view.response_headers)
    # Django itself adds none (only CommonMiddleware does): a redirect's "Content-Length: 0" too.
    answer.headers["Content-Length"] = str(len(answer.content))
    return answer


def add_headers(answer: HttpResponseBase, headers: list[tuple[str, str]]) -> None:
    seen: set[str] = set()
    for name, value in headers:
        key = name.lower()
        if key == "set-cookie":  # Django sends cookies from response.cookies, one header each
            answer.cookies.load(SimpleCookie(value))
        elif key == "content-length":
            continue  # to_django sets it from the body; the app's own response has its own
        elif key in seen:
            answer.headers[name] = f"{answer.headers[name]}, {value}"
        else:
            answer.headers[name] = value
            seen.add(key)
