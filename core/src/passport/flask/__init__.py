"""Flask integration: restore the user on every request, guard views, log users in and out.

::

    from flask import Flask
    from passport.flask import PassportFlask, current_user

    app = Flask(__name__)
    app.secret_key = "..."
    auth = PassportFlask(passport, app)           # or PassportFlask(passport); auth.init_app(app)

    @app.post("/login")
    @auth.authenticate("local", success_redirect="/", failure_redirect="/login", failure_flash=True)
    def login(): ...                               # reached only when no redirect was chosen

    @app.get("/api/me")
    @auth.authenticate(["bearer", "apikey"], session=False)
    def me(): return {"id": current_user.id}

    @app.get("/profile")
    @auth.login_required
    def profile(): return render_template("profile.html", user=current_user)

``current_user`` (also ``g.user``) is the user, or ``None`` behind the proxy: test it with
``if current_user:``. Sessions are Flask's: the cookie session cannot change an identifier, so
login and logout *clear* it (a copied cookie stays valid until it expires; see ``regenerate``
below). A server-side session interface with a ``regenerate(session)`` method (Flask-Session
0.6+) is used automatically and gives a new session id on every login and logout. To revoke copied
cookies, serialize a per-user session version with the id and return ``None`` from the
deserializer once it changed. The first response that sends a session cookie logs a warning
when the cookie lacks ``Secure`` or ``HttpOnly`` outside debug and testing (once per app; an app
whose routes all use ``session=False`` sends none, so it is never warned).

``fail_with_error=True`` raises :class:`passport.core.AuthenticationError` as an ``HTTPException``
for its status: ``@app.errorhandler(401)`` and ``@app.errorhandler(AuthenticationError)``
handlers both see it; without either, the answer is the status, every ``WWW-Authenticate``
challenge and a generic body. A strategy's own error goes to Flask's error handling unchanged.
"""

from passport.flask._extension import PassportFlask
from passport.flask._request import FlaskRequest
from passport.flask._request import current_user

__all__ = ["FlaskRequest", "PassportFlask", "current_user"]
