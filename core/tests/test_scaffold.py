"""``passport new strategy <name>`` (``passport.core._scaffold``): names, refusals, what it writes.

That the written distribution builds, installs and passes its own tests and the conformance kit
is checked where the runner is installed: strategy-runner/tests/test_third_party_wheel.py.
"""

from __future__ import annotations

import ast
import pathlib
import tomllib

import pytest

from passport.core import PassportError
from passport.core._cli import main
from passport.core._scaffold import ScaffoldError
from passport.core._scaffold import class_name_for
from passport.core._scaffold import core_range
from passport.core._scaffold import strategy_names
from passport.core._scaffold import write_strategy


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hmac", "HMACStrategy"),
        ("jwt", "JWTStrategy"),
        ("apikey", "APIKeyStrategy"),
        ("oauth2", "OAuth2Strategy"),
        ("oauth2_device", "OAuth2DeviceStrategy"),
        ("github", "GitHubStrategy"),
        ("acme", "AcmeStrategy"),
        ("acme_sso", "AcmeSSOStrategy"),
        ("web3", "Web3Strategy"),
    ],
)
def test_class_names_spell_known_acronyms_the_way_their_owners_do(name: str, expected: str) -> None:
    assert class_name_for(name) == expected
    assert strategy_names(name).class_name == expected


def test_the_names_of_the_distribution_follow_the_convention() -> None:
    names = strategy_names("acme_sso")
    assert names.distribution == "passport-strategy-acme-sso"
    assert names.package == "passport.strategies.acme_sso"
    assert names.prefix == "AcmeSSO"


def test_an_explicit_class_name_wins_over_the_rule() -> None:
    names = strategy_names("hmac", "HmacSignatureStrategy")
    assert (names.class_name, names.prefix) == ("HmacSignatureStrategy", "HmacSignature")


@pytest.mark.parametrize("name", ["", "HMAC", "my-thing", "1abc", "a__b", "a_", "class", "x" * 41, "hmac/../x", "é"])
def test_names_that_cannot_be_an_import_path_are_refused(name: str) -> None:
    with pytest.raises(ScaffoldError, match="lowercase Python identifier"):
        strategy_names(name)


def test_a_hyphenated_name_gets_a_suggestion() -> None:
    with pytest.raises(ScaffoldError, match="did you mean 'my_thing'"):
        strategy_names("my-thing")


@pytest.mark.parametrize("class_name", ["hmacStrategy", "HMAC-Strategy", "", "None"])
def test_class_names_that_are_not_capitalised_identifiers_are_refused(class_name: str) -> None:
    with pytest.raises(ScaffoldError, match="class name"):
        strategy_names("hmac", class_name)


def test_scaffold_errors_join_the_passport_tree() -> None:
    assert issubclass(ScaffoldError, PassportError)
    assert issubclass(ScaffoldError, ValueError)


def test_the_core_range_is_this_minor_up_to_the_next_major() -> None:
    assert core_range("0.1.0") == ">=0.1,<1"
    assert core_range("0.3.2") == ">=0.3,<1"
    assert core_range("1.4.0") == ">=1.4,<2"


def test_it_writes_a_complete_distribution(tmp_path: pathlib.Path) -> None:
    root = write_strategy("hmac", tmp_path / "out")
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    leaf = "src/passport/strategies/hmac/"
    assert files == sorted(
        ["pyproject.toml", "README.md", "CHANGELOG.md", "LICENSE", "tests/test_strategy.py"]
        + [leaf + f for f in ("__init__.py", "_errors.py", "_strategy.py", "_version.py", "py.typed")]
    )
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "passport-strategy-hmac"
    assert pyproject["project"]["dependencies"] == [f"passport-core{core_range()}"]
    assert pyproject["project"]["entry-points"]["passport.strategies"] == {
        "hmac": "passport.strategies.hmac:HMACStrategy"
    }
    assert "error" in pyproject["tool"]["pytest"]["ini_options"]["filterwarnings"]
    for path in root.rglob("*.py"):
        ast.parse(path.read_text(), str(path))  # every file is valid Python
    assert "class HMACError(PassportError)" in (root / leaf / "_errors.py").read_text()
    assert "$" not in "".join(p.read_text() for p in root.rglob("*") if p.is_file())  # nothing left unfilled


def test_an_occupied_folder_is_never_overwritten(tmp_path: pathlib.Path) -> None:
    (tmp_path / "README.md").write_text("mine")
    with pytest.raises(ScaffoldError, match="not an empty folder"):
        write_strategy("hmac", tmp_path)
    assert (tmp_path / "README.md").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


def test_an_empty_folder_is_used(tmp_path: pathlib.Path) -> None:
    assert write_strategy("hmac", tmp_path) == tmp_path
    assert (tmp_path / "pyproject.toml").is_file()


def test_the_command_writes_into_the_current_folder_and_says_what_next(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "strategy", "hmac"]) == 0
    out, err = capsys.readouterr()
    assert (tmp_path / "passport-strategy-hmac" / "src" / "passport" / "strategies" / "hmac").is_dir()
    assert "passport.strategies.hmac:HMACStrategy" in out
    assert 'pip install -e ".[test]"' in out
    assert err == ""


def test_the_command_takes_a_class_name_and_a_directory(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "x"
    assert main(["new", "strategy", "hmac", "--class-name", "SignedRequestStrategy", "--directory", str(target)]) == 0
    assert "class SignedRequestStrategy(Strategy)" in (target / "src/passport/strategies/hmac/_strategy.py").read_text()
    assert "class SignedRequestError(PassportError)" in (target / "src/passport/strategies/hmac/_errors.py").read_text()


def test_the_command_reports_a_bad_name_with_exit_status_1(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "strategy", "My-Thing"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("passport: strategy name 'My-Thing'")
    assert list(tmp_path.iterdir()) == []


def test_the_command_without_a_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["new", "strategy"])
    assert exited.value.code == 2
