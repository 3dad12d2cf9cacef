"""Constants shared by the fixtures in conftest.py and the tests (importable: ``pythonpath = tests``)."""

CLIENT_ID = "client-abc123"
CALLBACK = "http://app.test/auth/provider/callback"
USER = {"sub": "u-1", "name": "Ann Example", "email": "ann@example.test"}
SESSION_KEY = "oauth2:127.0.0.1"


def pending_verifier(strategy, entry) -> str:
    """The PKCE verifier a pending flow's reference stands for, derived with the strategy's own key.

    A pending flow keeps no verifier (security items 10 and 24); only the strategy that made the
    reference, which holds the key, can compute it. Tests reach into it to check the verifier
    the provider received.
    """
    verifier = strategy._flow_key.derive(entry["pkce"])
    assert verifier is not None
    return verifier
