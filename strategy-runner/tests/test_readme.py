"""The README's strategy and tests, run as printed."""

from __future__ import annotations

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_example_strategy_passes_its_own_tests_and_the_kit(pytester: pytest.Pytester):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    strategy, tests, fixture_test = blocks[0], blocks[1], blocks[2]
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_readme_example="\n".join([strategy, tests, fixture_test]))
    pytester.runpytest("-q").assert_outcomes(passed=4)
