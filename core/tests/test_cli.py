"""The ``passport`` console command (``passport.core._cli:main``), on fake distributions."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from _fakes import FakeDistribution
from _fakes import see_only

from passport.core import __version__
from passport.core._cli import main


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> list[FakeDistribution]:
    """The list of distributions importlib_metadata sees (append fakes to it)."""
    return see_only(monkeypatch)


def strategies(name: str, version: str, **entries: str) -> FakeDistribution:
    return FakeDistribution(name, version, {"passport.strategies": entries})


def test_strategies_prints_a_table_of_name_distribution_version_and_target(
    installed: list[FakeDistribution], capsys: pytest.CaptureFixture[str]
) -> None:
    installed.append(strategies("passport-strategy-local", "0.1.0", local="passport.strategies.local:LocalStrategy"))
    installed.append(strategies("passport-strategy-apikey", "0.2.0", apikey="passport.strategies.apikey:APIKey"))
    assert main(["strategies"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        "NAME    DISTRIBUTION              VERSION  TARGET",
        "apikey  passport-strategy-apikey  0.2.0    passport.strategies.apikey:APIKey",
        "local   passport-strategy-local   0.1.0    passport.strategies.local:LocalStrategy",
    ]
    assert err == ""


def test_strategies_json_is_machine_readable(
    installed: list[FakeDistribution], capsys: pytest.CaptureFixture[str]
) -> None:
    installed.append(strategies("passport-strategy-local", "0.1.0", local="passport.strategies.local:LocalStrategy"))
    assert main(["strategies", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document == {
        "group": "passport.strategies",
        "strategies": [
            {
                "name": "local",
                "distribution": "passport-strategy-local",
                "version": "0.1.0",
                "target": "passport.strategies.local:LocalStrategy",
                "conflict": False,
            }
        ],
        "conflicts": {},
    }


def test_nothing_installed_is_said_plainly_and_exits_zero(
    installed: list[FakeDistribution], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["strategies"]) == 0
    assert (
        capsys.readouterr().out == "No passport strategies are installed (entry point group 'passport.strategies').\n"
    )


def test_a_name_conflict_lists_both_explains_on_stderr_and_exits_one(
    installed: list[FakeDistribution], capsys: pytest.CaptureFixture[str]
) -> None:
    installed.append(strategies("passport-strategy-github", "2.0", github="a:GitHub"))
    installed.append(strategies("passport-github-fork", "0.3", github="b:GitHub"))
    assert main(["strategies"]) == 1
    out, err = capsys.readouterr()
    rows = out.splitlines()[1:]
    assert len(rows) == 2
    assert all(row.endswith("<- conflict") for row in rows)
    assert "passport-github-fork 0.3 and passport-strategy-github 2.0" in err
    assert "load_strategy('github') will refuse it" in err


def test_a_name_conflict_in_json_is_flagged_and_exits_one(
    installed: list[FakeDistribution], capsys: pytest.CaptureFixture[str]
) -> None:
    installed.append(strategies("passport-strategy-github", "2.0", github="a:GitHub"))
    installed.append(strategies("passport-github-fork", "0.3", github="b:GitHub"))
    assert main(["strategies", "--json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert [s["conflict"] for s in document["strategies"]] == [True, True]
    assert document["conflicts"] == {"github": ["passport-github-fork", "passport-strategy-github"]}


def test_plugins_lists_entry_points_and_says_they_load_only_on_opt_in(
    installed: list[FakeDistribution], capsys: pytest.CaptureFixture[str]
) -> None:
    installed.append(
        FakeDistribution("passport-audit", "1.0", {"passport.plugins": {"audit": "passport_audit:plugin"}})
    )
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "audit  passport-audit  1.0      passport_audit:plugin" in out
    assert out.endswith("Plugins load only in apps created with Passport(load_plugins=True).\n")


def test_plugins_reports_the_environment_switch(
    installed: list[FakeDistribution], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PASSPORT_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert main(["plugins", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "group": "passport.plugins",
        "autoload_disabled": True,
        "plugins": [],
    }
    assert main(["plugins"]) == 0
    assert "PASSPORT_DISABLE_PLUGIN_AUTOLOAD is set, so none will." in capsys.readouterr().out


def test_version_prints_the_core_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"passport-core {__version__}\n"


@pytest.mark.parametrize("argv", [[], ["nonsense"], ["strategies", "--yaml"]])
def test_usage_errors_exit_two(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert "usage: passport" in capsys.readouterr().err


def test_the_module_runs_as_a_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "passport.core._cli", "strategies", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr
    assert json.loads(done.stdout)["group"] == "passport.strategies"
