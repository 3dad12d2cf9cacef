"""Strategy discovery through the ``passport.strategies`` entry point group, with fake distributions.

The fakes are monkeypatched into ``importlib_metadata`` the way pluggy's own tests do it, so these
tests see exactly the distributions they declare, whatever else is installed. The test with a
real wheel built and installed by pip lives in the runner's tests (test_third_party_wheel.py).
"""

from __future__ import annotations

import pathlib
import sys
import uuid
from collections.abc import Iterator

import pytest
from _fakes import FakeDistribution
from _fakes import see_only

from passport.core import NotAStrategyError
from passport.core import PassportError
from passport.core import StrategyConflictError
from passport.core import StrategyError
from passport.core import StrategyInfo
from passport.core import UnknownStrategyError
from passport.core import available_strategies
from passport.core import load_strategy
from passport.core import strategy_conflicts
from passport.core._discovery import strategy_entries


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> list[FakeDistribution]:
    """The list of distributions importlib_metadata sees (append fakes to it)."""
    return see_only(monkeypatch)


@pytest.fixture
def strategy_module(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An importable module, uniquely named, holding ``GoodStrategy`` and ``NotAStrategy``."""
    name = f"fake_strategy_{uuid.uuid4().hex}"
    (tmp_path / f"{name}.py").write_text(
        "from passport.core import Strategy\n"
        "class GoodStrategy(Strategy):\n"
        "    name = 'good'\n"
        "    def authenticate(self, request, options):\n"
        "        self.pass_()\n"
        "NotAStrategy = 42\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name
    sys.modules.pop(name, None)


def strategies(name: str, version: str, **entries: str) -> FakeDistribution:
    return FakeDistribution(name, version, {"passport.strategies": entries})


def test_listing_reads_metadata_only_and_imports_nothing(installed: list[FakeDistribution]) -> None:
    installed.append(strategies("passport-strategy-ghost", "1.2.3", ghost="ghost_module_never_imported:Ghost"))
    listing = available_strategies()
    assert listing == {
        "ghost": StrategyInfo("ghost", "passport-strategy-ghost", "1.2.3", "ghost_module_never_imported:Ghost")
    }
    assert "ghost_module_never_imported" not in sys.modules


def test_distribution_name_is_reported_as_its_metadata_writes_it(installed: list[FakeDistribution]) -> None:
    installed.append(strategies("Passport_Strategy.Fancy", "0.9", fancy="x:Y"))
    assert available_strategies()["fancy"].distribution == "Passport_Strategy.Fancy"


def test_other_entry_point_groups_are_ignored(installed: list[FakeDistribution]) -> None:
    installed.append(FakeDistribution("passport-audit", "1.0", {"passport.plugins": {"audit": "audit:plugin"}}))
    assert available_strategies() == {}


def test_listing_is_sorted_by_name(installed: list[FakeDistribution]) -> None:
    installed.append(strategies("passport-strategy-z", "1", zeta="z:Z"))
    installed.append(strategies("passport-strategy-a", "1", alpha="a:A", beta="a:B"))
    assert list(available_strategies()) == ["alpha", "beta", "zeta"]


def test_load_strategy_imports_and_returns_the_class(installed: list[FakeDistribution], strategy_module: str) -> None:
    installed.append(strategies("passport-strategy-good", "1.0", good=f"{strategy_module}:GoodStrategy"))
    assert strategy_module not in sys.modules
    cls = load_strategy("good")
    assert cls.__name__ == "GoodStrategy"
    assert cls.__module__ == strategy_module


def test_unknown_name_raises_a_lookup_error_listing_installed_names(installed: list[FakeDistribution]) -> None:
    installed.append(strategies("passport-strategy-a", "1", alpha="a:A", beta="a:B"))
    with pytest.raises(UnknownStrategyError) as caught:
        load_strategy("gamma")
    assert isinstance(caught.value, LookupError)
    assert isinstance(caught.value, PassportError)
    assert caught.value.name == "gamma"
    assert caught.value.available == ["alpha", "beta"]
    assert str(caught.value) == "Unknown authentication strategy \"gamma\" (installed: 'alpha', 'beta')"


def test_unknown_name_with_nothing_installed_says_none(installed: list[FakeDistribution]) -> None:
    with pytest.raises(UnknownStrategyError, match=r"\(installed: none\)"):
        load_strategy("local")


def test_two_distributions_claiming_one_name_are_both_listed(installed: list[FakeDistribution]) -> None:
    installed.append(strategies("passport-strategy-github", "2.0", github="gh_b:GitHub"))
    installed.append(strategies("passport-github-fork", "0.3", github="gh_a:GitHub"))
    entries = strategy_entries()
    assert [(i.name, i.distribution) for i in entries] == [
        ("github", "passport-github-fork"),
        ("github", "passport-strategy-github"),
    ]
    conflicts = strategy_conflicts()
    assert list(conflicts) == ["github"]
    assert {i.distribution for i in conflicts["github"]} == {"passport-github-fork", "passport-strategy-github"}
    assert available_strategies()["github"].distribution == "passport-github-fork"


def test_loading_a_conflicting_name_raises_naming_both(installed: list[FakeDistribution], strategy_module: str) -> None:
    installed.append(strategies("passport-strategy-good", "1.0", good=f"{strategy_module}:GoodStrategy"))
    installed.append(strategies("passport-good-clone", "0.1", good=f"{strategy_module}:GoodStrategy"))
    with pytest.raises(LookupError) as caught:
        load_strategy("good")
    assert isinstance(caught.value, StrategyConflictError)
    assert isinstance(caught.value, PassportError)
    assert not isinstance(caught.value, UnknownStrategyError)  # it is installed, twice
    message = str(caught.value)
    assert "passport-strategy-good 1.0" in message
    assert "passport-good-clone 0.1" in message
    assert caught.value.name == "good"
    assert [i.distribution for i in caught.value.claimants] == ["passport-good-clone", "passport-strategy-good"]
    assert repr(caught.value) == (
        "StrategyConflictError(name='good', distributions=['passport-good-clone', 'passport-strategy-good'])"
    )
    assert strategy_module not in sys.modules  # refused before importing either


def test_no_conflict_is_reported_when_names_differ(installed: list[FakeDistribution]) -> None:
    installed.append(strategies("passport-strategy-a", "1", alpha="a:A"))
    installed.append(strategies("passport-strategy-b", "1", beta="b:B"))
    assert strategy_conflicts() == {}


def test_an_entry_point_to_something_that_is_not_a_strategy_is_a_type_error(
    installed: list[FakeDistribution], strategy_module: str
) -> None:
    installed.append(strategies("passport-strategy-bad", "1.0", bad=f"{strategy_module}:NotAStrategy"))
    with pytest.raises(TypeError, match=r"'bad' of passport-strategy-bad .* is not a strategy") as caught:
        load_strategy("bad")
    assert isinstance(caught.value, NotAStrategyError)
    assert isinstance(caught.value, StrategyError)  # so a PassportError too
    assert caught.value.strategy == "bad"


def test_a_broken_distribution_raises_its_own_import_error(installed: list[FakeDistribution]) -> None:
    installed.append(strategies("passport-strategy-broken", "1.0", broken="no_such_module_xyz:Broken"))
    with pytest.raises(ModuleNotFoundError, match="no_such_module_xyz"):
        load_strategy("broken")


def test_strategy_info_is_frozen() -> None:
    info = StrategyInfo("a", "b", "1", "m:C")
    with pytest.raises(AttributeError):
        info.name = "other"  # type: ignore[misc]
