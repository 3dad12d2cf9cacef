"""API-key and bearer-token authentication for passport: ``APIKeyStrategy`` and ``BearerStrategy``.

::

    from passport.core import Passport
    from passport.strategies.apikey import APIKeyStrategy, BearerStrategy, KeyStore

    keys = KeyStore()                                  # holds SHA-256 digests, never raw keys
    keys.add(os.environ["REPORTS_API_KEY"], {"id": "reports"})

    passport = Passport()
    passport.use(APIKeyStrategy(keys))                 # X-API-Key: <key>; keys(key) -> owner | None
    passport.use(BearerStrategy(lookup_token))         # Authorization: Bearer <token>

    api = passport.authenticate(["apikey", "bearer"], session=False)
    response = api.run(request)                        # None: proceed; a Response (401/400): send it

``keys_match(candidate, expected)`` compares one key in constant time; ``hash_key(key)`` gives the
digest to store; ``generate_key()`` makes a new 256-bit key.
"""

from ._apikey import APIKeyStrategy
from ._bearer import BearerStrategy
from ._keys import KeyStore
from ._keys import generate_key
from ._keys import hash_key
from ._keys import keys_match
from ._version import __version__

__all__ = ["APIKeyStrategy", "BearerStrategy", "KeyStore", "__version__", "generate_key", "hash_key", "keys_match"]

for _obj in (APIKeyStrategy, BearerStrategy, KeyStore, generate_key, hash_key, keys_match):
    _obj.__module__ = "passport.strategies.apikey"
del _obj
