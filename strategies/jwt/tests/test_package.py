"""The distribution's public surface: __all__, import paths, version, entry point."""

from __future__ import annotations

import importlib.metadata

import pytest

import passport.strategies.jwt as jwt_package
from passport.core import PassportError
from passport.core import available_strategies
from passport.core import load_strategy
from passport.strategies.jwt import JWKSError
from passport.strategies.jwt import JWTError
from passport.strategies.jwt import JWTStrategy
from passport.strategies.jwt import UnknownKeyError


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(jwt_package) if not name.startswith("_")} | {"__version__"}
    # ruff's RUF022 order: SCREAMING_CASE, then CamelCase, then the rest, each alphabetical.
    order = sorted(jwt_package.__all__, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    assert order == jwt_package.__all__
    assert set(jwt_package.__all__) == public


def test_version_matches_the_distribution_metadata() -> None:
    assert jwt_package.__version__ == "0.1.0"
    assert importlib.metadata.version("passport-strategy-jwt") == jwt_package.__version__


@pytest.mark.parametrize("name", [n for n in jwt_package.__all__ if n not in ("__version__", "Fetch")])
def test_public_objects_report_their_public_import_path(name: str) -> None:
    assert getattr(jwt_package, name).__module__ == "passport.strategies.jwt"


def test_the_entry_point_names_the_strategy_class() -> None:
    (entry,) = importlib.metadata.entry_points(group="passport.strategies", name="jwt")
    assert entry.value == "passport.strategies.jwt:JWTStrategy"
    assert entry.load() is JWTStrategy
    info = available_strategies()["jwt"]
    assert (info.distribution, info.version) == ("passport-strategy-jwt", "0.1.0")
    assert load_strategy("jwt") is JWTStrategy
    assert JWTStrategy.name == "jwt"


def test_errors_join_the_passport_tree() -> None:
    assert issubclass(JWKSError, JWTError) and issubclass(UnknownKeyError, JWTError)
    assert issubclass(JWTError, PassportError)
    assert JWKSError("x").status == 502
    assert repr(UnknownKeyError("k", "RS256")) == "UnknownKeyError(kid='k', alg='RS256')"


def test_no_namespace_init_files_ship() -> None:
    import pathlib

    src = pathlib.Path(jwt_package.__file__).parents[2]
    assert not (src / "__init__.py").exists()
    assert not (src / "strategies" / "__init__.py").exists()
