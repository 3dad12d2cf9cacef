"""What a :class:`~passport.core.Passport` has registered, as its guards and session steps see it.

The guard, the session strategy and the session steps need the strategies, the user-function
chains and the plugin hooks of the Passport that made them. They get this one small object
(STYLE 24c) instead of reading the Passport's private attributes; the Passport is the only
writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import final

from ._errors import UnknownStrategyError

if TYPE_CHECKING:
    from ._layers import Layer
    from ._plugins import PluginHost
    from ._remember import RememberMe
    from ._strategy import Strategy


@final
class Registry:
    """Strategies by name, the serializer, deserializer and transformer chains, and the hooks.

    :ivar session_version: ``fn(user)`` or ``fn(request, user)``: the value a login session of
        the user must still match (see ``Passport.session_version``), or ``None``.
    :ivar generation: a counter that changes whenever a strategy is registered or removed, so a
        guard knows when what it derived from its strategies is stale.
    :ivar hooks: the plugin host, or ``None`` while no plugin was ever registered (then no
        hook is called at all).
    :ivar remember: the remember-me settings, or ``None`` without remember-me.
    """

    __slots__ = (
        "deserializers",
        "generation",
        "hooks",
        "remember",
        "serializers",
        "session_version",
        "strategies",
        "transformers",
    )

    def __init__(self) -> None:
        self.strategies: dict[str, Any] = {}
        self.generation = 0  # changes whenever a strategy is added or removed (see use, unuse)
        self.serializers: list[Layer] = []
        self.deserializers: list[Layer] = []
        self.transformers: list[Layer] = []
        self.session_version: Layer | None = None
        self.hooks: PluginHost | None = None
        self.remember: RememberMe | None = None

    def register(self, name: str, strategy: Any) -> None:
        """Register ``strategy`` under ``name`` (replacing any other)."""
        self.strategies[name] = strategy
        self.generation += 1

    def unregister(self, name: str) -> None:
        """Remove the strategy registered under ``name``, if any."""
        if self.strategies.pop(name, None) is not None:
            self.generation += 1

    def strategy(self, name: str) -> Strategy:
        """The strategy registered under ``name``.

        :raises UnknownStrategyError: nothing is registered under that name.
        """
        strategy = self.strategies.get(name)
        if strategy is None:
            raise UnknownStrategyError(name, self.strategies)
        return strategy  # type: ignore[no-any-return]
