import importlib.metadata

import pytest

import passport.strategies.apikey as apikey_package
from passport.core import available_strategies
from passport.core import load_strategy
from passport.strategies.apikey import APIKeyStrategy
from passport.strategies.apikey import BearerStrategy


def test_all_lists_exactly_the_public_names() -> None:
    public = {name for name in vars(apikey_package) if not name.startswith("_")} | {"__version__"}
    assert sorted(apikey_package.__all__) == apikey_package.__all__
    assert set(apikey_package.__all__) == public


def test_version_matches_the_distribution_metadata() -> None:
    assert apikey_package.__version__ == "0.1.0"
    assert importlib.metadata.version("passport-strategy-apikey") == apikey_package.__version__


@pytest.mark.parametrize("name", [n for n in apikey_package.__all__ if n != "__version__"])
def test_public_objects_report_their_public_import_path(name: str) -> None:
    assert getattr(apikey_package, name).__module__ == "passport.strategies.apikey"


@pytest.mark.parametrize(
    ("name", "cls", "target"),
    [
        ("apikey", APIKeyStrategy, "passport.strategies.apikey:APIKeyStrategy"),
        ("bearer", BearerStrategy, "passport.strategies.apikey:BearerStrategy"),
    ],
)
def test_the_entry_points_name_the_strategy_classes(name: str, cls: type, target: str) -> None:
    (entry,) = importlib.metadata.entry_points(group="passport.strategies", name=name)
    assert entry.value == target
    assert entry.load() is cls
    assert entry.dist is not None and entry.dist.metadata["Name"] == "passport-strategy-apikey"
    info = available_strategies()[name]
    assert (info.distribution, info.version, info.target) == ("passport-strategy-apikey", "0.1.0", target)
    assert load_strategy(name) is cls


def test_strategy_names_are_the_entry_point_names() -> None:
    assert APIKeyStrategy(lambda k: None).name == "apikey"
    assert BearerStrategy(lambda t: None).name == "bearer"


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (APIKeyStrategy, "^APIKeyStrategy requires a verify function$"),
        (BearerStrategy, "^BearerStrategy requires a verify function$"),
    ],
)
@pytest.mark.parametrize("verify", [None, "verify", 3])
def test_a_missing_or_uncallable_verify_is_a_type_error(cls: type, message: str, verify: object) -> None:
    with pytest.raises(TypeError, match=message):
        cls(verify)


@pytest.mark.parametrize("cls", [APIKeyStrategy, BearerStrategy])
def test_options_are_keyword_only(cls: type) -> None:
    with pytest.raises(TypeError):
        cls(lambda k: None, "X-Key")
