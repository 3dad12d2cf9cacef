"""Which redirect targets taken from request or session data are safe to follow."""

from __future__ import annotations

from urllib.parse import urlsplit

MAX_TARGET_LENGTH = 2048


def is_safe_redirect(target: object) -> bool:
    """Accept only a same-origin relative path: ``/x``, never ``//evil``, ``/\\evil``, ``https://…``.

    Browsers strip tabs and newlines from URLs and read ``\\`` as ``/``, so any control
    character, space or backslash is refused outright rather than normalised.
    """
    if type(target) is not str or not target.startswith("/") or len(target) > MAX_TARGET_LENGTH:
        return False
    if target.startswith("//") or "\\" in target:
        return False
    if any(ch <= " " or ch == "\x7f" for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def check_configured_url(option: str, value: object) -> str:
    """Validate a redirect URL from route configuration (trusted, but written into a header)."""
    if type(value) is not str or not value or "\r" in value or "\n" in value:
        raise TypeError(f"{option} must be a non-empty URL string without CR or LF, got {value!r}")
    return value
