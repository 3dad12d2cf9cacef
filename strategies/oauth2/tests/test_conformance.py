"""passport-strategy-runner's conformance kit on this strategy: it acts exactly once, survives
hostile input, never echoes secrets, and behaves the same sync, async and under concurrency."""

from __future__ import annotations

from passport.strategies.oauth2 import OAuth2Strategy
from passport.strategy_runner import check_strategy

CLIENT_SECRET = "cs_0123456789abcdef"


def test_oauth2_strategy_conforms() -> None:
    strategy = OAuth2Strategy(
        lambda access_token, refresh_token, profile: {"id": "ann"},
        authorization_url="https://idp.example/authorize",
        token_url="http://127.0.0.1:9/token",  # never reached: no request here carries a valid state
        client_id="app",
        client_secret=CLIENT_SECRET,
        callback_url="https://app.example/auth/callback",
    )
    report = check_strategy(
        strategy,
        requests={
            "first leg": {"url": "https://app.example/auth/login"},
            "provider said no": {"url": "https://app.example/auth/callback?error=access_denied&state=x"},
            "code with a forged state": {"url": "https://app.example/auth/callback?code=c0de-c0de&state=forged"},
        },
        secrets=[CLIENT_SECRET, "c0de-c0de"],
    )
    assert report.results["first leg"].action == "redirect"
    assert report.results["first leg"].url.startswith("https://idp.example/authorize?")
    assert report.results["code with a forged state"].action == "fail"
