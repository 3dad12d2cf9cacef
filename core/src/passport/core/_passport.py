"""The Passport object: registered strategies, session chains, guards, login and logout."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar
from typing import overload

import pluggy

from ._async import ensure_sync_mode
from ._chain import Guard
from ._flows import adrive
from ._flows import drive
from ._layers import make_layer
from ._plugins import PluginHost
from ._registry import Registry
from ._remember import RememberMe
from ._session import login
from ._session import login_age
from ._session import logout
from ._session_strategy import SessionStrategy
from ._strategy import Strategy

if TYPE_CHECKING:
    from ._request import Request

F = TypeVar("F", bound=Callable[..., Any])


class Passport:
    """An authenticator: strategies, serializers and plugins, independent of other instances.

    ::

        passport = Passport()
        passport.use(LocalStrategy(verify))

        @passport.serializer
        def serialize(user): return user.id

        @passport.deserializer
        def deserialize(user_id): return db.users.get(user_id)   # None: the user is gone

        login_guard = passport.authenticate("local", success_redirect="/", failure_redirect="/login")

    :param load_plugins: load the plugins published under the ``passport.plugins`` entry point
        group (off by default; the ``PASSPORT_DISABLE_PLUGIN_AUTOLOAD`` environment variable
        turns it off even when asked).
    :param block_plugins: entry point names not to load.
    :param remember_me: remember-me settings (:class:`~passport.core.RememberMe`): logins asked
        to be remembered (``remember=True``) get a long-lived, single-use, rotating token that
        logs the user in again once the session has expired.
    """

    def __init__(
        self, *, load_plugins: bool = False, block_plugins: Iterable[str] = (), remember_me: RememberMe | None = None
    ) -> None:
        # The one object guards and session steps get: what they need of this Passport (STYLE 24c).
        self._registry = Registry()
        if remember_me is not None and not isinstance(remember_me, RememberMe):
            raise TypeError(f"remember_me must be a RememberMe, got {remember_me!r}")
        self._registry.remember = remember_me
        self._registry.register("session", SessionStrategy(self._registry))
        if load_plugins:
            self.load_plugins(block=block_plugins)

    def __repr__(self) -> str:
        return f"<Passport strategies={sorted(self._registry.strategies)!r}>"

    # -- strategies --------------------------------------------------------------------------

    @overload
    def use(self, strategy: Strategy, /) -> Passport: ...
    @overload
    def use(self, name: str, strategy: Strategy, /) -> Passport: ...
    def use(self, name_or_strategy: str | Strategy, strategy: Strategy | None = None, /) -> Passport:
        """Register a strategy under its ``name``, or under an explicit name; replaces any other.

        :raises TypeError: the strategy has no ``authenticate`` or no name.
        """
        if strategy is None:
            strategy = name_or_strategy  # type: ignore[assignment]
            name = getattr(strategy, "name", None)
        else:
            name = name_or_strategy
        if not callable(getattr(strategy, "authenticate", None)):
            raise TypeError(f"{strategy!r} is not a strategy (it has no authenticate method)")
        if isinstance(strategy, type):
            raise TypeError(f"use() takes a strategy instance, got the class {strategy.__name__}; call it first")
        if not name or type(name) is not str:
            raise TypeError("Authentication strategies must have a name")
        self._registry.register(name, strategy)
        return self

    def unuse(self, name: str) -> Passport:
        """Remove the strategy registered under ``name`` (no error if there is none)."""
        self._registry.unregister(name)
        return self

    def strategy(self, name: str) -> Strategy:
        """The strategy registered under ``name``.

        :raises UnknownStrategyError: nothing is registered under that name.
        """
        return self._registry.strategy(name)

    @property
    def strategies(self) -> dict[str, Strategy]:
        """A copy of the registry: name to strategy."""
        return dict(self._registry.strategies)

    # -- session chains ----------------------------------------------------------------------

    def serializer(self, fn: F) -> F:
        """Register a serializer, ``fn(user)`` or ``fn(request, user)``, ``def`` or ``async def``.

        It returns the value stored in the session; ``None``, ``False`` or ``PASS`` hand over to
        the next serializer (``0`` and ``""`` are stored). Serializers run in registration order.
        """
        self._registry.serializers.append(make_layer(fn))
        return fn

    def deserializer(self, fn: F) -> F:
        """Register a deserializer, ``fn(value)`` or ``fn(request, value)``.

        It returns the user; ``None`` or ``False`` when the user no longer exists (the login is
        dropped and the request continues anonymous); ``PASS`` to let the next one try.
        """
        self._registry.deserializers.append(make_layer(fn))
        return fn

    def session_version(self, fn: F) -> F:
        """Register ``fn(user)`` or ``fn(request, user)``: a value that changes when the user's
        existing login sessions must end ("log out everywhere", a password change).

        Login stores it in the session beside the user; every restore compares it with the
        user's current value and drops the login when they differ (the request goes on
        anonymous). This works with cookie sessions too, which cannot be revoked any other way:
        keep a counter or a random token per user in your database and change it. Sessions
        logged in before a version was registered carry none and end at their next request.
        ``def`` or ``async def``; the value must survive the session's serialization (a string
        or a number).
        """
        self._registry.session_version = make_layer(fn)
        return fn

    def auth_info_transformer(self, fn: F) -> F:
        """Register a transformer of success info, ``fn(info)`` or ``fn(request, info)``.

        Its result becomes ``request.auth_info``; ``None``, ``False`` or ``PASS`` hand over to the
        next one; when none answers the info is kept as the strategy gave it.
        """
        self._registry.transformers.append(make_layer(fn))
        return fn

    # -- guards ------------------------------------------------------------------------------

    def authenticate(self, strategies: str | Strategy | Sequence[str | Strategy], **options: Any) -> Guard:
        """Build a guard that tries ``strategies`` in order with Passport's route options.

        ``success_redirect``, ``failure_redirect``, ``success_return_to_or_redirect``,
        ``success_flash``, ``failure_flash``, ``success_message``, ``failure_message``,
        ``session`` (default ``True``), ``fail_with_error``, ``assign_property``, ``auth_info``
        (default ``True``), ``keep_session_info``, ``allow_multiple_credentials`` and ``remember``
        (``True`` or a form field's name: also issue a remember-me token); every other option is
        passed through to the strategies.

        :raises TypeError: an option has the wrong type.
        """
        return Guard(self._registry, strategies, options)

    def authorize(self, strategies: str | Strategy | Sequence[str | Strategy], **options: Any) -> Guard:
        """Like :meth:`authenticate`, but the user goes to ``request.account`` and the login
        session is left alone — for connecting a second account to the logged-in user.

        As in Passport, the property is always ``account``: an ``assign_property`` option is
        overridden.
        """
        options["assign_property"] = "account"
        return Guard(self._registry, strategies, options)

    def session(self, **options: Any) -> Guard:
        """A guard that restores ``request.user`` from the login session (strategy ``session``)."""
        return Guard(self._registry, "session", options)

    # -- login and logout --------------------------------------------------------------------

    def login(
        self,
        request: Request,
        user: Any,
        *,
        session: bool = True,
        keep_session_info: bool = False,
        remember: bool = False,
    ) -> None:
        """Log ``user`` in: set ``request.user``, regenerate the session and store the user.

        The session is regenerated (a new identifier where the backend supports it, cleared
        otherwise) so a session identifier planted before login is worthless afterwards. Its
        other data is dropped unless ``keep_session_info=True``.

        :param session: ``False`` sets ``request.user`` only (APIs without sessions).
        :param remember: also issue a remember-me token (needs ``Passport(remember_me=...)``).
        :raises SessionError: no session support, or no serializer stored the user.
        :raises RuntimeError: called inside a running event loop (use :meth:`alogin`).
        """
        ensure_sync_mode("login", "alogin")
        drive(login(self._registry, request, user, session, keep_session_info, (), remember))

    async def alogin(
        self,
        request: Request,
        user: Any,
        *,
        session: bool = True,
        keep_session_info: bool = False,
        remember: bool = False,
    ) -> None:
        """Async twin of :meth:`login`."""
        await adrive(login(self._registry, request, user, session, keep_session_info, (), remember))

    def logout(self, request: Request, *, keep_session_info: bool = False) -> None:
        """Log the user out: clear ``request.user``, remove them from the session, regenerate it.

        With remember-me, the browser's token is revoked and its cookie cleared. Without it,
        logout runs no user code, so it is the same call in sync and async code.

        :raises SessionError: the request has no session support.
        """
        drive(logout(self._registry, request, keep_session_info))

    async def alogout(self, request: Request, *, keep_session_info: bool = False) -> None:
        """Async twin of :meth:`logout`."""
        await adrive(logout(self._registry, request, keep_session_info))

    @property
    def remember_me(self) -> RememberMe | None:
        """The remember-me settings given to the constructor, or ``None``."""
        return self._registry.remember

    def login_age(self, request: Request) -> float | None:
        """Seconds since the logged-in user last authenticated (entered credentials) in this
        session; ``None`` when nobody is logged in, or when the login was restored from a
        remember-me token, which is never fresh. ``fresh_login_required`` guards use it."""
        return login_age(request)

    # -- plugins -----------------------------------------------------------------------------

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """This instance's pluggy plugin manager (project name ``passport``)."""
        return self._host().manager

    def _host(self) -> PluginHost:
        registry = self._registry
        if registry.hooks is None:
            registry.hooks = PluginHost()
        return registry.hooks

    def register_plugin(self, plugin: object, name: str | None = None) -> str:
        """Register a plugin object (a module or instance with ``@hookimpl`` functions).

        Its hooks are checked now: a misspelt ``passport_*`` hook or an argument the hook does
        not have is an error at startup rather than a hook that silently never runs.

        :param name: the name logs and errors use (default: the module's or class's name).
        :returns: the name it was registered under.
        :raises PluginError: the plugin implements an unknown hook, takes an argument the hook
            does not pass, or marks a hook as a wrapper.
        :raises ValueError: the plugin, or its name, is already registered or blocked.
        """
        return self._host().register(plugin, name)

    def unregister_plugin(self, plugin: object) -> None:
        """Remove a plugin registered earlier."""
        self._host().unregister(plugin)

    def load_plugins(self, *, block: Iterable[str] = ()) -> int:
        """Load the plugins published under the ``passport.plugins`` entry point group.

        Entry point names in ``block`` are never loaded (they stay blocked for later calls too).
        Nothing is loaded when ``PASSPORT_DISABLE_PLUGIN_AUTOLOAD`` is set to anything but
        ``""``, ``0``, ``false``, ``no`` or ``off``: the operator's switch wins over the app.

        :returns: how many plugins were loaded.
        :raises PluginError: a plugin failed to import or is invalid.
        """
        return self._host().load_entry_points(block)
