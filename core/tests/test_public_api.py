"""The public surface of passport.core is what __all__ says, and it reports itself as passport.core."""

from __future__ import annotations

import types

import pytest

import passport.core
from passport.core import AuthenticationError
from passport.core import PassportError
from passport.core import PluginError
from passport.core import StrategyError
from passport.core import UnknownStrategyError


def public_names(module):
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }


def test_all_lists_exactly_the_public_names():
    assert sorted(passport.core.__all__) == sorted(public_names(passport.core) | {"__version__"})


def test_all_has_no_duplicates():
    assert len(passport.core.__all__) == len(set(passport.core.__all__))


@pytest.mark.parametrize("name", [n for n in passport.core.__all__ if isinstance(getattr(passport.core, n), type)])
def test_exported_classes_report_passport_core_as_their_module(name):
    assert getattr(passport.core, name).__module__ == "passport.core"


def test_the_design_documents_imports_work():
    from passport.core import PASS  # noqa: F401
    from passport.core import Passport  # noqa: F401
    from passport.core import Response  # noqa: F401
    from passport.core import Strategy  # noqa: F401


def _exported_errors():
    import passport.core.adapters

    for module in (passport.core, passport.core.adapters):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, BaseException):
                yield value


@pytest.mark.parametrize("error", sorted(set(_exported_errors()), key=lambda e: e.__name__), ids=lambda e: e.__name__)
def test_every_exported_error_is_a_passport_error(error):
    assert issubclass(error, PassportError)


def test_the_errors_keep_the_builtin_bases_code_already_catches():
    from passport.core import NotAStrategyError
    from passport.core import StrategyConflictError
    from passport.core.adapters import BodyError

    assert issubclass(StrategyConflictError, LookupError)
    assert issubclass(NotAStrategyError, TypeError)
    assert issubclass(BodyError, ValueError)


def test_unknown_strategy_error_is_a_lookup_error():
    assert issubclass(UnknownStrategyError, LookupError)


def test_the_version_is_a_string():
    assert isinstance(passport.core.__version__, str)


def test_a_test_request_satisfies_the_request_protocol():
    from passport.core import Request
    from passport.strategy_runner import make_request

    assert isinstance(make_request(), Request)


def test_error_reprs_name_the_essentials():
    assert repr(AuthenticationError("Forbidden", 403)) == "AuthenticationError(status=403, message='Forbidden')"
    assert repr(StrategyError("broke", "local")) == "StrategyError('broke', strategy='local')"
    assert repr(UnknownStrategyError("x", ["b", "a"])) == "UnknownStrategyError(name='x', available=['a', 'b'])"
    assert str(UnknownStrategyError("x", [])) == 'Unknown authentication strategy "x" (registered: none)'
    assert PluginError("failed", "audit").plugin == "audit"


def test_guard_and_outcome_reprs_name_strategies_only(passport):
    from passport.strategy_runner import make_request

    assert repr(passport.authenticate("local")) == "<Guard 'local'>"
    assert repr(passport.authenticate(["a", "b"])) == "<Guard ['a', 'b']>"
    outcome = passport.authenticate([]).attempt(make_request())
    assert repr(outcome) == "<Outcome action='fail' strategy=None status=[]>"


DEPRECATED = [
    "Headers",
    "SessionStrategy",
    "fields_from_pairs",
    "in_async_mode",
    "is_async_callable",
    "is_awaitable",
    "is_nonblocking",
    "is_safe_redirect",
    "normalize_verify_result",
]


@pytest.mark.parametrize("name", DEPRECATED)
def test_names_moved_out_of_all_still_work_with_a_deprecation_warning(name):
    with pytest.warns(DeprecationWarning, match=f"passport.core.{name} is deprecated"):
        value = getattr(passport.core, name)
    assert value is not None
    assert name not in passport.core.__all__


def test_an_unknown_name_is_an_attribute_error_without_a_warning():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        passport.core.nope  # noqa: B018


def test_the_adapter_contract_lists_exactly_its_public_names():
    import passport.core.adapters as adapters

    assert sorted(adapters.__all__) == sorted(public_names(adapters))
    moved = {"Headers", "fields_from_pairs", "is_safe_redirect", "is_async_callable"}
    assert moved <= set(adapters.__all__)
