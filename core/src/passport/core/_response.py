"""The framework-neutral response a guard hands back for the adapter to send."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from typing import final


@final
@dataclass(frozen=True, slots=True)
class Response:
    """A response passport wants sent instead of the route: a redirect, a 401 with challenges...

    :ivar status: the HTTP status code.
    :ivar headers: ``(name, value)`` pairs; a name may repeat (several ``WWW-Authenticate``).
    :ivar body: the body text (a reason phrase such as ``"Unauthorized"``, or empty).
    """

    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: str = ""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or ``None``."""
        lowered = name.lower()
        return next((v for k, v in self.headers if k.lower() == lowered), None)

    def header_list(self, name: str) -> list[str]:
        """Every value of header ``name`` (case-insensitive), in order."""
        lowered = name.lower()
        return [v for k, v in self.headers if k.lower() == lowered]
