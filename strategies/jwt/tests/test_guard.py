"""Through passport's own guard: attempt() hands the failed check to the caller; many tasks at once."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from jwt_helpers import AUDIENCE
from jwt_helpers import SECRET
from jwt_helpers import token
from jwt_helpers import verify

from passport.core import Passport
from passport.strategies.jwt import JWTStrategy
from passport.strategy_runner import make_request

EXPIRED = 'Bearer realm="Users", error="invalid_token", error_description="The token has expired"'


def make_passport() -> Passport:
    passport = Passport()
    passport.use(JWTStrategy(verify, key=SECRET, algorithms=["HS256"], audience=AUDIENCE))
    return passport


def test_attempt_reports_the_failed_check_in_info() -> None:
    guard = make_passport().authenticate("jwt", session=False)
    outcome = guard.attempt(make_request(headers={"Authorization": f"Bearer {token(exp=1)}"}))
    assert (outcome.action, outcome.info) == ("fail", EXPIRED)


def test_run_answers_401_with_the_challenge() -> None:
    guard = make_passport().authenticate("jwt", session=False)
    response = guard.run(make_request(headers={"Authorization": f"Bearer {token(exp=1)}"}))
    assert response is not None and response.status == 401
    assert ("WWW-Authenticate", EXPIRED) in response.headers


def test_many_threads_get_each_their_own_answer() -> None:
    guard = make_passport().authenticate("jwt", session=False)
    good, expired = token(), token(exp=1)

    def one(i: int) -> tuple[bool, object]:
        value = good if i % 2 else expired
        request = make_request(headers={"Authorization": f"Bearer {value}"})
        response = guard.run(request)
        return value == good, (request.user if response is None else response.status)

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(one, range(400)))
    assert all(answer == ({"id": "ann"} if good_token else 401) for good_token, answer in results)


async def test_many_tasks_get_each_their_own_answer() -> None:
    guard = make_passport().authenticate("jwt", session=False)
    good, expired = token(), token(exp=1)

    async def one(i: int) -> tuple[bool, object]:
        value = good if i % 2 else expired
        request = make_request(headers={"Authorization": f"Bearer {value}"})
        response = await guard.arun(request)
        return value == good, (request.user if response is None else response.status)

    results = await asyncio.gather(*[one(i) for i in range(400)])
    assert all(answer == ({"id": "ann"} if good_token else 401) for good_token, answer in results)
