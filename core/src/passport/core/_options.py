"""Route options: Passport's, in snake_case, checked once when the guard is built."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any
from typing import Final
from typing import final

from ._redirects import check_configured_url

KNOWN: Final = frozenset(
    {
        "allow_multiple_credentials",
        "assign_property",
        "auth_info",
        "fail_with_error",
        "failure_flash",
        "failure_message",
        "failure_redirect",
        "keep_session_info",
        "remember",
        "session",
        "success_flash",
        "success_message",
        "success_redirect",
        "success_return_to_or_redirect",
    }
)


def _flag(options: Mapping[str, Any], key: str, default: bool) -> bool:
    value = options.get(key, default)
    if type(value) is not bool:
        raise TypeError(f"{key} must be True or False, got {value!r}")
    return value


def _flash_form(options: Mapping[str, Any], key: str) -> Any:
    value = options.get(key)
    if value is None or value is False:
        return None
    if value is True or type(value) is str:
        return value
    if isinstance(value, Mapping) and set(value) <= {"type", "message"}:
        return dict(value)
    raise TypeError(f'{key} must be True, a message string or {{"type": ..., "message": ...}}, got {value!r}')


def _message_form(options: Mapping[str, Any], key: str) -> Any:
    value = options.get(key)
    if value is None or value is False:
        return None
    if value is True or type(value) is str:
        return value
    raise TypeError(f"{key} must be True or a message string, got {value!r}")


def _url(options: Mapping[str, Any], key: str) -> str | None:
    value = options.get(key)
    return None if value is None else check_configured_url(key, value)


@final
class RouteOptions:
    """The parsed route options; ``raw`` is what strategies receive (read-only, whole)."""

    __slots__ = (
        "allow_multiple_credentials",
        "assign_property",
        "auth_info",
        "fail_with_error",
        "failure_flash",
        "failure_message",
        "failure_redirect",
        "keep_session_info",
        "plain_success",
        "raw",
        "remember",
        "session",
        "success_flash",
        "success_message",
        "success_redirect",
        "success_return_to_or_redirect",
    )

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.raw: Mapping[str, Any] = MappingProxyType(dict(options))
        self.session = _flag(options, "session", True)
        self.keep_session_info = _flag(options, "keep_session_info", False)
        self.fail_with_error = _flag(options, "fail_with_error", False)
        self.auth_info = _flag(options, "auth_info", True)
        self.allow_multiple_credentials = _flag(options, "allow_multiple_credentials", False)
        self.success_flash = _flash_form(options, "success_flash")
        self.failure_flash = _flash_form(options, "failure_flash")
        self.success_message = _message_form(options, "success_message")
        self.failure_message = _message_form(options, "failure_message")
        self.success_redirect = _url(options, "success_redirect")
        self.failure_redirect = _url(options, "failure_redirect")
        self.success_return_to_or_redirect = _url(options, "success_return_to_or_redirect")
        prop = options.get("assign_property")
        if prop is not None and (type(prop) is not str or not prop.isidentifier()):
            raise TypeError(f"assign_property must be an attribute name, got {prop!r}")
        self.assign_property: str | None = prop
        remember = options.get("remember", False)
        if type(remember) is not bool and (type(remember) is not str or not remember):
            raise TypeError(f"remember must be True, False or the name of a form field, got {remember!r}")
        if remember is not False and not self.session:
            raise TypeError("remember needs a login session: it cannot be combined with session=False")
        self.remember: bool | str = remember
        # No success option that needs work besides login: the hot path can skip straight on.
        self.plain_success = (
            self.success_flash is None
            and self.success_message is None
            and self.success_redirect is None
            and self.success_return_to_or_redirect is None
            and prop is None
        )


def resolve_flash(form: Any, default_type: str, source: Any) -> tuple[str, str] | None:
    """Passport's flash rules: ``(category, message)`` to flash, or ``None``.

    ``form`` is the route option (``True``, a string or ``{"type", "message"}``); ``source`` is
    the strategy's challenge (failure) or info (success). A strategy's own ``type`` counts only
    with ``True``; only a string message is flashed.
    """
    if form is None:
        return None
    source_is_map = isinstance(source, Mapping)
    if form is True:
        category = (source.get("type") if source_is_map else None) or default_type
        message = source.get("message") if source_is_map else source
    elif type(form) is str:
        category, message = default_type, form
    else:
        category = form.get("type") or default_type
        message = form.get("message") or (source.get("message") if source_is_map else source)
    if type(message) is str and type(category) is str:
        return category, message
    return None


def resolve_message(form: Any, source: Any) -> str | None:
    """Passport's ``*_message`` rules: the string to append to ``session["messages"]``."""
    if form is None:
        return None
    if form is True:
        message = source.get("message") if isinstance(source, Mapping) else source
    else:
        message = form
    return message if type(message) is str else None
