"""GitHub's one departure from RFC 6749 in a token answer: ``scope`` is comma-separated.

GitHub answers ``"scope": "read:user,user:email"``; RFC 6749 §3.3 (and oauthlib, and every
reader of ``TokenSet.scope``) expects a space-separated list. This hook rewrites it, the way
requests-oauthlib's ``compliance_fixes`` rewrite a non-compliant answer: through
``response._content``, the body requests hands out afterwards.
"""

from __future__ import annotations

import json

import requests


def space_separated_scope(response: requests.Response) -> requests.Response:
    """An ``access_token_response`` / ``refresh_token_response`` hook: ``a,b`` -> ``a b``."""
    try:
        data = json.loads(response.content)
    except (ValueError, RecursionError):
        return response  # not JSON: the strategy's own checks report it
    if isinstance(data, dict) and isinstance(data.get("scope"), str) and "," in data["scope"]:
        data["scope"] = " ".join(part.strip() for part in data["scope"].split(",") if part.strip())
        response._content = json.dumps(data).encode()
    return response
