"""JWT bearer tokens for passport: ``JWTStrategy``, checked by PyJWT against a key or a cached JWKS.

::

    from passport.core import Passport
    from passport.strategies.jwt import JWTStrategy, cookie, bearer_header

    def verify(claims):                                  # def or async def
        return users.get(claims["sub"])                  # the user, or None to refuse

    passport = Passport()
    passport.use(JWTStrategy(
        verify,
        jwks_url="https://issuer.example/.well-known/jwks.json",   # cached, rotation-aware
        algorithms=["RS256"],                            # required; never "none"
        issuer="https://issuer.example/",
        audience="https://api.example/",
    ))
    api = passport.authenticate("jwt", session=False)    # 401 + RFC 6750 challenge on failure

``JWKS`` is the key set on its own (sync ``get_key`` and async ``aget_key`` by ``kid``, TTL,
one refetch on an unknown ``kid``, rate-limited), for other strategies (OpenID Connect) to reuse
with their own transport; ``HTTPFetch`` is its default, bounded transport.
"""

from ._errors import JWKSError
from ._errors import JWTError
from ._errors import UnknownKeyError
from ._extract import Extractor
from ._extract import bearer_header
from ._extract import body_field
from ._extract import cookie
from ._extract import header
from ._extract import query_param
from ._jwks import JWKS
from ._jwks import Fetch
from ._strategy import JWTStrategy
from ._transport import HTTPFetch
from ._version import __version__

__all__ = [
    "JWKS",
    "Extractor",
    "Fetch",
    "HTTPFetch",
    "JWKSError",
    "JWTError",
    "JWTStrategy",
    "UnknownKeyError",
    "__version__",
    "bearer_header",
    "body_field",
    "cookie",
    "header",
    "query_param",
]

for _obj in (
    JWKS,
    Extractor,
    HTTPFetch,
    JWKSError,
    JWTError,
    JWTStrategy,
    UnknownKeyError,
    bearer_header,
    body_field,
    cookie,
    header,
    query_param,
):
    _obj.__module__ = "passport.strategies.jwt"
del _obj
