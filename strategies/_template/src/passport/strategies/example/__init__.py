"""Example token login for passport: ``ExampleStrategy`` reads a token from a request header.

::

    from passport.core import Passport
    from passport.strategies.example import ExampleStrategy

    def verify(token):                      # def or async def
        return tokens.get(token)            # the user, or None to fail

    passport = Passport()
    passport.use(ExampleStrategy(verify))   # reads the X-Example-Token header

    guard = passport.authenticate("example", session=False)
    response = guard.run(request)           # None: authenticated; a Response: send it
"""

from ._errors import ExampleError
from ._strategy import ExampleStrategy
from ._version import __version__

__all__ = ["ExampleError", "ExampleStrategy", "__version__"]

ExampleStrategy.__module__ = "passport.strategies.example"
ExampleError.__module__ = "passport.strategies.example"
