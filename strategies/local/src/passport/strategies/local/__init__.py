"""Username and password login for passport: ``LocalStrategy``.

::

    from passport.core import Passport
    from passport.strategies.local import LocalStrategy

    passport = Passport()

    def verify(username, password):          # def or async def
        user = users.get(username)
        if user is None or not user.check_password(password):
            return None, {"message": "Incorrect username or password."}
        return user

    passport.use(LocalStrategy(verify))      # reads "username" and "password" from the body

    login = passport.authenticate("local", success_redirect="/", failure_redirect="/login", failure_flash=True)
    response = login.run(request)            # None: proceed; a Response: send it

Missing or malformed credentials fail with status 400 before verify runs; a rejection by
verify fails with its info and status 401.
"""

from ._strategy import LocalStrategy
from ._version import __version__

__all__ = ["LocalStrategy", "__version__"]

LocalStrategy.__module__ = "passport.strategies.local"
