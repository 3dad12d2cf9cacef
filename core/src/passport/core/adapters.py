"""The adapter contract: what a framework adapter builds and calls (see ``docs/adapters.md``).

Adapters (``passport.flask``, ``passport.starlette``, a third party's Litestar or Quart one)
import only from here and from ``passport.core``: every rule that does not depend on the
framework (body caps and decoding, redirect encoding, which status an error gets) is decided
once, in the core.
"""

from ._async import is_async_callable
from ._body import BODY_METHODS
from ._body import FORM
from ._body import JSON
from ._body import MAX_BODY_BYTES
from ._body import MAX_FIELDS
from ._body import MULTIPART
from ._body import BodyError
from ._body import aread_body
from ._body import body_kind
from ._body import check_body
from ._body import parse_body
from ._body import read_body
from ._logging import IntervalWarning
from ._redirects import is_safe_redirect
from ._request import Headers
from ._request import fields_from_pairs
from ._response import check_fresh
from ._response import error_response
from ._response import error_status
from ._response import login_required_response
from ._response import redirect_response
from ._session import MAX_QUEUED_MESSAGES
from ._urls import iri_to_uri

__all__ = [
    "BODY_METHODS",
    "FORM",
    "JSON",
    "MAX_BODY_BYTES",
    "MAX_FIELDS",
    "MAX_QUEUED_MESSAGES",
    "MULTIPART",
    "BodyError",
    "Headers",
    "IntervalWarning",
    "aread_body",
    "body_kind",
    "check_body",
    "check_fresh",
    "error_response",
    "error_status",
    "fields_from_pairs",
    "iri_to_uri",
    "is_async_callable",
    "is_safe_redirect",
    "login_required_response",
    "parse_body",
    "read_body",
    "redirect_response",
]
