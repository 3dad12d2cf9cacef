"""Constants shared by the fixtures in conftest.py and the tests (importable: ``pythonpath = tests``)."""

CLIENT_ID = "client-abc123"
CALLBACK = "http://app.test/auth/provider/callback"
USER = {"sub": "u-1", "name": "Ann Example", "email": "ann@example.test"}
SESSION_KEY = "oauth2:127.0.0.1"
