"""Mix-up defence (RFC 9207): an authorization response names the issuer that produced it.

An attacker who gets a client to send a user to the attacker's provider can try to have the
answer delivered to the callback of an honest provider. A provider that adds ``iss`` to its
authorization responses lets the client see where an answer really came from.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Final

ISSUER_MISMATCH: Final = "Authorization response came from another issuer."
ISSUER_MISSING: Final = "Authorization response does not name its issuer."


def issuer_problem(params: Mapping[str, Any], expected: str | None, required: bool) -> str | None:
    """Why the response's ``iss`` is unacceptable, or ``None`` when it is fine.

    With no expected issuer configured there is nothing to compare with. Otherwise a present
    ``iss`` must equal it exactly (no normalisation: a trailing slash is another issuer, RFC 9207
    §2.4), and a missing one is refused when the provider is known to send it.
    """
    if expected is None:
        return None
    iss = params.get("iss")
    if iss is None:
        return ISSUER_MISSING if required else None
    if type(iss) is not str or iss != expected:  # a repeated parameter arrives as a list
        return ISSUER_MISMATCH
    return None
