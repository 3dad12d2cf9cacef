"""The README's tables say what the code does: descriptions, extractors, answers."""

from __future__ import annotations

import pathlib

from passport.strategies.jwt import _strategy

README = (pathlib.Path(__file__).parents[1] / "README.md").read_text()


def test_every_failed_check_description_is_documented() -> None:
    descriptions = [
        _strategy.MALFORMED,
        _strategy.EXPIRED,
        _strategy.NOT_YET_VALID,
        _strategy.BAD_SIGNATURE,
        _strategy.BAD_ISSUER,
        _strategy.BAD_AUDIENCE,
        _strategy.BAD_ALGORITHM,
        _strategy.UNKNOWN_KEY,
    ]
    for description in descriptions:
        assert f"`{description}`" in README, description


def test_the_documented_signature_is_the_real_one() -> None:
    import inspect

    from passport.strategies.jwt import JWTStrategy

    parameters = list(inspect.signature(JWTStrategy).parameters)
    documented = (
        "JWTStrategy(verify, *, key=None, jwks_url=None, algorithms, issuer=None, audience=None,\n"
        'leeway=0, extract=None, pass_request=False, realm="Users", require=("exp",))'
    )
    assert documented in README
    assert parameters == [
        "verify",
        "key",
        "jwks_url",
        "algorithms",
        "issuer",
        "audience",
        "leeway",
        "extract",
        "pass_request",
        "realm",
        "require",
    ]
