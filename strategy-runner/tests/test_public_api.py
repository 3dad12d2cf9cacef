"""The public surface of passport.strategy_runner: __all__ is honest, sorted, and shows the import path."""

from __future__ import annotations

import passport.strategy_runner as runner


def test_all_lists_exactly_the_public_names():
    # "@py_builtins"/"@pytest_ar": pytest rewrites the plugin's package for its assertions.
    public = {name for name in vars(runner) if not name.startswith(("_", "@"))} | {"__version__"}
    assert set(runner.__all__) == public


def test_all_is_sorted():
    assert runner.__all__ == sorted(runner.__all__)


def test_exported_classes_show_the_public_import_path():
    for name in runner.__all__:
        obj = getattr(runner, name)
        if isinstance(obj, type):
            assert obj.__module__ == "passport.strategy_runner", name
