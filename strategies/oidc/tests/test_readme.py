"""The README stays in step with the code: its examples parse, and every option and reason is documented."""

from __future__ import annotations

import ast
import inspect
import pathlib
import re
import textwrap

import passport.strategies.oidc._idtoken as idtoken_module
from passport.strategies.oidc import OIDCStrategy

README = (pathlib.Path(__file__).parent.parent / "README.md").read_text()


def test_every_python_example_parses():
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert len(blocks) >= 4
    for block in blocks:
        ast.parse(textwrap.dedent(block))


def test_every_constructor_option_is_documented():
    options = [p for p in inspect.signature(OIDCStrategy.__init__).parameters if p not in ("self", "verify", "options")]
    missing = [name for name in options if f"`{name}`" not in README]
    assert missing == []


def test_every_refusal_reason_is_in_the_table():
    source = inspect.getsource(idtoken_module)
    reasons = set(re.findall(r'_refuse\([^)]*?"(?:[^"]*)",\s*"([a-z_]+)"\)', source, re.S))
    assert {"malformed", "algorithm", "issuer", "nonce", "at_hash", "azp", "sub", "auth_time"} <= reasons
    missing = [reason for reason in sorted(reasons) if f"`{reason}`" not in README]
    assert missing == []
