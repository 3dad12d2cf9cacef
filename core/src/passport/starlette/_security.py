"""OpenAPI security schemes for FastAPI: a guard's strategies as ``Security`` sub-dependencies.

FastAPI builds ``components.securitySchemes`` and an operation's ``security`` from the
sub-dependencies whose callable is a ``fastapi.security.base.SecurityBase`` with a ``model`` and a
``scheme_name``; each one becomes its own requirement object, which OpenAPI reads as "any one
of them": exactly a chain. The objects here only describe: calling one returns ``None`` and reads
nothing (FastAPI's own ``HTTPBearer`` etc. would check, and 403, before passport's guard runs).

Imported only when FastAPI is installed (the guard asks for it when FastAPI reads its signature).
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final
from typing import final

from fastapi import Security
from fastapi.openapi.models import APIKey
from fastapi.openapi.models import HTTPBase
from fastapi.openapi.models import OAuth2
from fastapi.openapi.models import OpenIdConnect
from fastapi.openapi.models import SecurityBase as SecuritySchemeModel
from fastapi.security import OAuth2 as OAuth2Security
from fastapi.security.base import SecurityBase
from pydantic import ValidationError
from starlette.requests import HTTPConnection

_MODELS: Final[dict[str, type[SecuritySchemeModel]]] = {
    "apiKey": APIKey,
    "http": HTTPBase,
    "oauth2": OAuth2,
    "openIdConnect": OpenIdConnect,
}
# The only scheme types whose requirement lists scopes in OpenAPI 3.0 (3.1 allows roles for the
# others, but passport checks none there, so they get none).
_SCOPED: Final = frozenset({"oauth2", "openIdConnect"})


@final
class PassportSecurity(SecurityBase):
    """A security scheme in the OpenAPI document, and nothing at run time.

    :param scheme_name: the name in ``components.securitySchemes``.
    :param model: the Security Scheme Object.
    """

    def __init__(self, scheme_name: str, model: SecuritySchemeModel) -> None:
        self.scheme_name = scheme_name
        self.model = model

    def __repr__(self) -> str:
        return f"<PassportSecurity {self.scheme_name!r}>"

    async def __call__(self) -> None:
        """FastAPI solves every dependency per request: this one answers nothing and reads nothing."""
        return None


@final
class PassportScopedSecurity(OAuth2Security):
    """:class:`PassportSecurity` for ``oauth2`` and ``openIdConnect`` schemes, whose requirement
    lists scopes: older FastAPI releases (0.115 among them) give scopes only to instances of its
    ``OAuth2`` or ``OpenIdConnect`` classes. Their checking ``__call__`` is replaced by one that reads nothing.
    """

    def __init__(self, scheme_name: str, model: SecuritySchemeModel) -> None:  # no super(): it builds a model
        self.scheme_name = scheme_name
        self.model = model  # an OpenIdConnect model too: FastAPI only serialises it
        self.auto_error = False

    def __repr__(self) -> str:
        return f"<PassportScopedSecurity {self.scheme_name!r}>"

    async def __call__(self, request: HTTPConnection) -> None:
        """Answers nothing and reads nothing: passport's guard checks the credentials."""
        return None


@final
class SchemeNames:
    """Names the schemes in ``components.securitySchemes``, which one app shares by all routes.

    A scheme is named after its strategy's registered name. When a *different* scheme claims a
    name already taken, it gets the first free ``<name>_2``, ``<name>_3``, ...: the first route
    declared keeps the plain name, so the names follow declaration order and never change
    between runs. An equal scheme under the same name shares it.
    """

    __slots__ = ("_taken",)

    def __init__(self) -> None:
        self._taken: dict[str, Mapping[str, Any]] = {}

    def claim(self, name: str, scheme: Mapping[str, Any]) -> str:
        """The component name for ``scheme``, declared by the strategy registered as ``name``."""
        candidate, n = name, 1
        while True:
            taken = self._taken.get(candidate)
            if taken is None:
                self._taken[candidate] = copy.deepcopy(scheme)  # a later change to the strategy's dict is not ours
                return candidate
            if taken == scheme:
                return candidate
            n += 1
            candidate = f"{name}_{n}"


def scheme_model(strategy: str, scheme: Any) -> SecuritySchemeModel:
    """Validate a strategy's ``openapi_scheme`` into FastAPI's model of its ``type``.

    :raises TypeError: the scheme is not a mapping.
    :raises ValueError: its ``type`` is not one of OpenAPI's, or a required field is missing.
    """
    if not isinstance(scheme, Mapping):
        raise TypeError(f"strategy {strategy!r}: openapi_scheme must be a dict (a Security Scheme), got {scheme!r}")
    kind = scheme.get("type")
    model = _MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ValueError(f"strategy {strategy!r}: openapi_scheme type must be one of {sorted(_MODELS)}, got {kind!r}")
    try:
        return model.model_validate(copy.deepcopy(dict(scheme)))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ValueError(f"strategy {strategy!r}: openapi_scheme is not a valid {kind} scheme ({problems})") from None


def requirement_scopes(scheme: Mapping[str, Any], options: Mapping[str, Any]) -> list[str]:
    """The scopes an operation's requirement lists for ``scheme``.

    ``oauth2`` and ``openIdConnect`` only: the route's ``required_scope`` option, else its
    ``scope`` option (what an OAuth 2.0 strategy asks for on that route), else, for ``oauth2``,
    every scope the flows declare (in order, once each); none for ``openIdConnect``.

    :raises TypeError: the route option is not a string or a list of strings.
    """
    if scheme.get("type") not in _SCOPED:
        return []
    for option in ("required_scope", "scope"):
        value = options.get(option)
        if value is not None:
            return _scope_list(option, value)
    scopes: dict[str, None] = {}
    flows = scheme.get("flows")
    for flow in flows.values() if isinstance(flows, Mapping) else ():
        declared = flow.get("scopes") if isinstance(flow, Mapping) else None
        for name in declared if isinstance(declared, Mapping) else ():
            scopes[str(name)] = None
    return list(scopes)


def _scope_list(option: str, value: Any) -> list[str]:
    # RFC 6749 section 3.3: a scope token never holds a space, so a string splits on them.
    if isinstance(value, str):
        return value.split()
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return list(value)
    raise TypeError(f"route option {option!r} must be a scope or a list of them, got {value!r}")


def security_parameters(schemes: Sequence[tuple[str, str, Any]], options: Mapping[str, Any]) -> list[inspect.Parameter]:
    """One keyword parameter per declared scheme, defaulting to ``Security(PassportSecurity)``.

    :param schemes: ``(strategy name, component name, openapi_scheme)`` for each strategy of the
        chain that declares one, in chain order.
    :param options: the route options (for the scopes).
    """
    parameters = []
    for index, (strategy, component, scheme) in enumerate(schemes):
        model = scheme_model(strategy, scheme)
        kind = PassportScopedSecurity if scheme["type"] in _SCOPED else PassportSecurity
        dependency = Security(kind(component, model), scopes=requirement_scopes(scheme, options))
        name = f"passport_scheme_{index}"
        parameters.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=dependency, annotation=None))
    return parameters


# FastAPI reads a dependency's annotations at run time (older releases without evaluating postponed
# ones), and an instance has no globals to resolve them with: give it the real class.
PassportScopedSecurity.__call__.__annotations__["request"] = HTTPConnection
