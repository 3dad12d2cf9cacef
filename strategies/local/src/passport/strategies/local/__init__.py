"""Username and password login for passport: ``LocalStrategy``.

::

    from passport.core import Passport
    from passport.strategies.local import LocalStrategy, Passwords

    passport = Passport()

    passwords = Passwords()                  # Argon2id: pip install "passport-strategy-local[argon2]"

    def verify(username, password):          # def or async def
        user = users.get(username)           # an unknown name costs as long as a wrong password:
        if passwords.verify(user and user.password_hash, password):
            return user
        return None, {"message": "Incorrect username or password."}

    passport.use(LocalStrategy(verify))      # reads "username" and "password" from the body

    login = passport.authenticate("local", success_redirect="/", failure_redirect="/login", failure_flash=True)
    response = login.run(request)            # None: proceed; a Response: send it

Missing or malformed credentials fail with status 400 before verify runs; a rejection by
verify fails with its info and status 401.
"""

from ._passwords import Passwords
from ._strategy import LocalStrategy
from ._version import __version__

__all__ = ["LocalStrategy", "Passwords", "__version__"]

LocalStrategy.__module__ = "passport.strategies.local"
Passwords.__module__ = "passport.strategies.local"
