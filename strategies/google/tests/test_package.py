"""The distribution's public surface."""

from __future__ import annotations

import importlib.util
import pathlib

import passport.strategies.google as package


def test_all_lists_exactly_the_public_names():
    public = {name for name in vars(package) if not name.startswith("_")} | {"__version__"}
    assert sorted(package.__all__) == package.__all__
    assert set(package.__all__) == public


def test_the_version_is_exported():
    assert package.__version__ == "0.1.0"


def test_the_namespaces_stay_namespaces_and_the_package_is_typed():
    assert importlib.util.find_spec("passport").origin is None
    assert importlib.util.find_spec("passport.strategies").origin is None
    assert (pathlib.Path(package.__file__).parent / "py.typed").exists()


def test_it_builds_on_oauth2_through_public_names_only():
    source = "\n".join(p.read_text() for p in pathlib.Path(package.__file__).parent.glob("*.py"))
    assert "strategies.oauth2._" not in source
    assert "from passport.strategies.oauth2 import" in source


def test_it_builds_on_oidc_through_public_names_only():
    source = "\n".join(p.read_text() for p in pathlib.Path(package.__file__).parent.glob("*.py"))
    assert "strategies.oidc._" not in source
    assert "from passport.strategies.oidc import OIDCStrategy" in source


def test_the_entry_point_loads_the_strategy():
    from passport.core import load_strategy

    assert load_strategy("google") is package.GoogleStrategy
