import importlib.metadata
from typing import Any

import pytest

import passport.strategies.local as local_package
from passport.core import available_strategies
from passport.core import load_strategy
from passport.strategies.local import LocalStrategy


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(local_package) if not name.startswith("_")} | {"__version__"}
    assert sorted(local_package.__all__) == local_package.__all__
    assert set(local_package.__all__) == public


def test_version_matches_the_distribution_metadata() -> None:
    assert local_package.__version__ == "0.1.0"
    assert importlib.metadata.version("passport-strategy-local") == local_package.__version__


def test_the_class_reports_its_public_import_path() -> None:
    assert LocalStrategy.__module__ == "passport.strategies.local"


def test_the_entry_point_local_names_the_strategy_class() -> None:
    (entry,) = importlib.metadata.entry_points(group="passport.strategies", name="local")
    assert entry.value == "passport.strategies.local:LocalStrategy"
    assert entry.load() is LocalStrategy
    assert entry.dist is not None and entry.dist.metadata["Name"] == "passport-strategy-local"


def test_core_discovery_finds_and_loads_the_strategy() -> None:
    info = available_strategies()["local"]
    assert info.distribution == "passport-strategy-local"
    assert info.version == "0.1.0"
    assert load_strategy("local") is LocalStrategy


def test_the_strategy_name_is_local() -> None:
    assert LocalStrategy(lambda u, p: None).name == "local"


@pytest.mark.parametrize("verify", [None, "verify", 42])
def test_a_missing_or_uncallable_verify_is_a_type_error(verify: object) -> None:
    with pytest.raises(TypeError, match="^LocalStrategy requires a verify function$"):
        LocalStrategy(verify)  # type: ignore[arg-type]


def test_verify_is_required() -> None:
    with pytest.raises(TypeError):
        LocalStrategy()  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("username_field", ""),
        ("username_field", None),
        ("password_field", 3),
        ("pass_request", 1),
        ("allow_query", "yes"),
        ("bad_request_message", ""),
        ("bad_request_message", 400),
        ("max_length", 0),
        ("max_length", True),
        ("max_length", 4.5),
    ],
)
def test_options_of_the_wrong_type_are_refused_at_construction(option: str, value: Any) -> None:
    options: dict[str, Any] = {option: value}
    with pytest.raises(TypeError, match=option):
        LocalStrategy(lambda u, p: None, **options)


def test_options_are_keyword_only() -> None:
    with pytest.raises(TypeError):
        LocalStrategy(lambda u, p: None, "user")  # type: ignore[call-arg]


def test_repr_names_the_fields_only() -> None:
    strategy = LocalStrategy(lambda u, p: None, username_field="email")
    assert repr(strategy) == "<LocalStrategy fields=('email', 'password')>"
