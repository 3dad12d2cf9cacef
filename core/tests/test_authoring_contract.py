"""A strategy written to docs/authoring.md as it stood in 0.1 works unchanged.

``AcmeStrategy`` below is that page's example, verbatim. It runs in the runner, in sync and
async guards, with sync and async verify functions; a 0.1 strategy that imported a helper which
has since left ``passport.core.__all__`` still gets it, with a DeprecationWarning.
"""

from __future__ import annotations

import pytest

from passport.core import Passport
from passport.core import Strategy  # the example's `from passport.core import Strategy, call_verify`
from passport.core import call_verify
from passport.strategy_runner import arun_strategy
from passport.strategy_runner import make_request
from passport.strategy_runner import run_strategy

# -- docs/authoring.md (0.1), section 3, verbatim ------------------------------------------------


class AcmeStrategy(Strategy):
    name = "acme"  # the default registration name

    def __init__(self, verify, *, header="X-Acme-Token"):
        super().__init__()  # Strategy.__init__ takes no arguments
        self._verify = verify  # configuration, read-only from now on
        self._header = header

    def authenticate(self, request, options):  # def or async def
        token = request.headers.get(self._header)
        if not token:
            return self.fail('Acme realm="acme"')  # str challenge -> WWW-Authenticate, 401
        if len(token) > 4096 or not (token.isascii() and token.isprintable()):
            return self.fail({"message": "Malformed token"}, 400)
        return call_verify(self._verify, token).then(self._verified)

    def _verified(self, result):
        user, info = result  # user is None when verify said no
        if user is None:
            self.fail('Acme realm="acme", error="invalid_token"')
        else:
            self.success(user, info)


# -- end of the example ----------------------------------------------------------------------------

ANN = {"id": "ann"}


def sync_verify(token):
    return ANN if token == "good" else None


async def async_verify(token):
    return (ANN, {"scope": "all"}) if token == "good" else None


@pytest.mark.parametrize("verify", [sync_verify, async_verify], ids=["def", "async def"])
def test_the_01_example_succeeds_and_fails_in_the_runner(verify):
    assert run_strategy(AcmeStrategy(verify), {"headers": {"X-Acme-Token": "good"}}).user == ANN
    bad = run_strategy(AcmeStrategy(verify), {"headers": {"X-Acme-Token": "bad"}})
    assert (bad.action, bad.challenge) == ("fail", 'Acme realm="acme", error="invalid_token"')
    malformed = run_strategy(AcmeStrategy(verify), {"headers": {"X-Acme-Token": "é"}})
    assert (malformed.status, malformed.message) == (400, "Malformed token")


@pytest.mark.parametrize("verify", [sync_verify, async_verify], ids=["def", "async def"])
async def test_the_01_example_works_in_async_code(verify):
    assert (await arun_strategy(AcmeStrategy(verify), {"headers": {"X-Acme-Token": "good"}})).user == ANN
    guard = Passport().use(AcmeStrategy(verify)).authenticate("acme", session=False)
    request = make_request(headers={"X-Acme-Token": "good"})
    assert await guard.arun(request) is None
    assert request.user == ANN
    response = await guard.arun(make_request(headers={"X-Acme-Token": "bad"}))
    assert response is not None and response.header_list("WWW-Authenticate") == [
        'Acme realm="acme", error="invalid_token"'
    ]


@pytest.mark.parametrize("verify", [sync_verify, async_verify], ids=["def", "async def"])
def test_the_01_example_guards_a_sync_route(verify):
    guard = Passport().use(AcmeStrategy(verify)).authenticate("acme", session=False)
    request = make_request(headers={"X-Acme-Token": "good"})
    assert guard.run(request) is None
    assert request.user == ANN
    assert guard.run(make_request()).status == 401  # type: ignore[union-attr]


def test_a_01_strategy_importing_a_moved_helper_still_gets_it():
    import passport.core

    with pytest.warns(DeprecationWarning):
        normalize = passport.core.normalize_verify_result
    assert normalize((ANN, "info")) == (ANN, "info")
