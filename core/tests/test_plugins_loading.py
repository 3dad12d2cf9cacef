"""Loading plugins from the ``passport.plugins`` entry point group: opt-in, block list, env switch."""

from __future__ import annotations

import pathlib
import sys
import uuid
from collections.abc import Iterator

import pytest
from _fakes import FakeDistribution
from _fakes import see_only

from passport.core import Passport
from passport.core import PluginError
from passport.strategy_runner import make_request

PLUGIN_SOURCE = """
from passport.core import hookimpl

logins = []

@hookimpl
def passport_login(user):
    logins.append(user)
"""


@pytest.fixture
def module_factory(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Write an importable, uniquely named module; returns its name."""
    monkeypatch.syspath_prepend(str(tmp_path))
    made: list[str] = []

    def make(source: str) -> str:
        name = f"fake_plugin_{uuid.uuid4().hex}"
        (tmp_path / f"{name}.py").write_text(source)
        made.append(name)
        return name

    yield make
    for name in made:
        sys.modules.pop(name, None)


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> list[FakeDistribution]:
    """The list of distributions importlib_metadata sees (append fakes to it)."""
    return see_only(monkeypatch)


def plugins(name: str, **entries: str) -> FakeDistribution:
    return FakeDistribution(name, "1.0", {"passport.plugins": entries})


def test_plugins_are_not_loaded_unless_the_app_opts_in(installed, module_factory):
    module = module_factory(PLUGIN_SOURCE)
    installed.append(plugins("passport-audit", audit=module))
    passport = Passport()
    passport.deserializer(lambda user_id: {"id": user_id})
    passport.session().run(make_request(session={"passport": {"user": "x"}}))
    assert module not in sys.modules


def test_an_app_that_opts_in_loads_and_calls_the_plugins(installed, module_factory):
    module = module_factory(PLUGIN_SOURCE)
    installed.append(plugins("passport-audit", audit=module))
    passport = Passport(load_plugins=True)
    assert passport.plugin_manager.has_plugin("audit")

    @passport.serializer
    def serialize(user):
        return user

    from passport.strategy_runner import make_request

    passport.login(make_request(), "ann")
    assert sys.modules[module].logins == ["ann"]


def test_load_plugins_returns_how_many_were_loaded_and_skips_loaded_ones(installed, module_factory):
    installed.append(plugins("passport-audit", audit=module_factory(PLUGIN_SOURCE), metrics=module_factory("")))
    passport = Passport()
    assert passport.load_plugins() == 2
    assert passport.load_plugins() == 0


def test_blocked_plugins_are_not_imported(installed, module_factory):
    audit, metrics = module_factory(PLUGIN_SOURCE), module_factory(PLUGIN_SOURCE)
    installed.append(plugins("passport-audit", audit=audit, metrics=metrics))
    passport = Passport(load_plugins=True, block_plugins=["metrics"])
    assert passport.plugin_manager.has_plugin("audit")
    assert not passport.plugin_manager.has_plugin("metrics")
    assert metrics not in sys.modules
    assert passport.load_plugins() == 0  # still blocked on a later call


@pytest.mark.parametrize("value", ["1", "true", "yes", "anything"])
def test_the_environment_switch_loads_nothing_even_when_asked(installed, module_factory, monkeypatch, value):
    module = module_factory(PLUGIN_SOURCE)
    installed.append(plugins("passport-audit", audit=module))
    monkeypatch.setenv("PASSPORT_DISABLE_PLUGIN_AUTOLOAD", value)
    passport = Passport(load_plugins=True)
    assert not passport.plugin_manager.has_plugin("audit")
    assert module not in sys.modules


@pytest.mark.parametrize("value", ["", "0", "false", "No", "off"])
def test_falsy_environment_values_do_not_disable_loading(installed, module_factory, monkeypatch, value):
    installed.append(plugins("passport-audit", audit=module_factory(PLUGIN_SOURCE)))
    monkeypatch.setenv("PASSPORT_DISABLE_PLUGIN_AUTOLOAD", value)
    assert Passport().load_plugins() == 1


def test_plugins_registered_by_hand_still_work_when_autoload_is_disabled(installed, monkeypatch):
    monkeypatch.setenv("PASSPORT_DISABLE_PLUGIN_AUTOLOAD", "1")
    passport = Passport(load_plugins=True)
    assert passport.register_plugin(object(), "by-hand") == "by-hand"


def test_a_plugin_that_fails_to_import_is_a_plugin_error_naming_it(installed, module_factory):
    module = module_factory("raise ImportError('needs redis')\n")
    installed.append(plugins("passport-ratelimit", ratelimit=module))
    with pytest.raises(PluginError) as caught:
        Passport(load_plugins=True)
    assert caught.value.plugin == "ratelimit"
    assert "'ratelimit'" in str(caught.value)
    assert "from passport-ratelimit" in str(caught.value)
    assert "ImportError: needs redis" in str(caught.value)


def test_an_invalid_plugin_from_an_entry_point_is_a_plugin_error(installed, module_factory):
    module = module_factory("from passport.core import hookimpl\n@hookimpl\ndef passport_signup(user): pass\n")
    installed.append(plugins("passport-typo", typo=module))
    with pytest.raises(PluginError, match="passport_signup, which is not a passport hook"):
        Passport(load_plugins=True)


def test_strategy_entry_points_are_not_plugins(installed, module_factory):
    module = module_factory(PLUGIN_SOURCE)
    installed.append(FakeDistribution("passport-strategy-x", "1.0", {"passport.strategies": {"x": module}}))
    assert Passport().load_plugins() == 0
