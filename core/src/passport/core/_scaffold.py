"""``passport new strategy <name>``: write a ready ``passport-strategy-<name>`` distribution.

The output is what ``strategies/_template/`` in the passport repository holds for the name
``example`` (a test keeps the two equal): pyproject with the entry point and the core range of
the authoring guide's policy, README, CHANGELOG, LICENSE, the strategy, its ``_errors.py``,
``py.typed`` and tests that pass through passport-strategy-runner and its conformance kit.

Class names are acronym-aware: each ``_``-separated part of the name is looked up in
:data:`ACRONYMS` (``hmac`` gives ``HMACStrategy``, ``oauth2_device`` ``OAuth2DeviceStrategy``)
and otherwise capitalised (``acme`` gives ``AcmeStrategy``); ``class_name=`` overrides the rule.
"""

from __future__ import annotations

import keyword
import pathlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from string import Template
from typing import Final

from ._errors import PassportError
from ._scaffold_files import FILES
from ._version import __version__

# Spelled the way their owners and the shipped strategies spell them (APIKeyStrategy, OAuth2Strategy).
ACRONYMS: Final[Mapping[str, str]] = {
    "api": "API",
    "apikey": "APIKey",
    "aws": "AWS",
    "cas": "CAS",
    "github": "GitHub",
    "gitlab": "GitLab",
    "hmac": "HMAC",
    "hotp": "HOTP",
    "http": "HTTP",
    "id": "ID",
    "ip": "IP",
    "jwe": "JWE",
    "jws": "JWS",
    "jwt": "JWT",
    "ldap": "LDAP",
    "linkedin": "LinkedIn",
    "mfa": "MFA",
    "mtls": "MTLS",
    "oauth": "OAuth",
    "oauth1": "OAuth1",
    "oauth2": "OAuth2",
    "oidc": "OIDC",
    "otp": "OTP",
    "saml": "SAML",
    "scim": "SCIM",
    "sso": "SSO",
    "ssh": "SSH",
    "tls": "TLS",
    "totp": "TOTP",
    "url": "URL",
    "webauthn": "WebAuthn",
}

_NAME = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\Z")
_CLASS = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
_MAX_NAME = 40


class ScaffoldError(PassportError, ValueError):
    """``passport new strategy`` cannot write the distribution: a bad name or an occupied folder."""


@dataclass(frozen=True, slots=True)
class StrategyNames:
    """Every name a new strategy distribution uses, derived from its entry point name.

    :ivar name: the entry point and registration name (``hmac``).
    :ivar distribution: ``passport-strategy-<name>``, underscores as hyphens.
    :ivar package: ``passport.strategies.<name>``.
    :ivar class_name: the strategy class (``HMACStrategy``).
    :ivar prefix: ``class_name`` without its ``Strategy`` suffix (``HMAC``): the challenge's
        scheme, the header's middle part and the error class's stem (``HMACError``).
    """

    name: str
    distribution: str
    package: str
    class_name: str
    prefix: str


def class_name_for(name: str) -> str:
    """The acronym-aware class name for ``name``: ``hmac`` -> ``HMACStrategy``."""
    return "".join(ACRONYMS.get(part, part.capitalize()) for part in name.split("_")) + "Strategy"


def strategy_names(name: str, class_name: str | None = None) -> StrategyNames:
    """Check ``name`` (and ``class_name``) and derive the distribution's names.

    :raises ScaffoldError: ``name`` is not a lowercase Python identifier of at most 40
        characters (letters, digits, single underscores; a hyphen gets a suggestion), is a
        keyword, or ``class_name`` is not a capitalised identifier.
    """
    if not _NAME.match(name) or len(name) > _MAX_NAME or keyword.iskeyword(name):
        hint = ""
        candidate = name.lower().replace("-", "_")
        if candidate != name and _NAME.match(candidate) and not keyword.iskeyword(candidate):
            hint = f" (did you mean {candidate!r}?)"
        raise ScaffoldError(
            f"strategy name {name!r} must be a lowercase Python identifier of at most {_MAX_NAME} characters: "
            f"it becomes the import path passport.strategies.<name>{hint}"
        )
    if class_name is None:
        class_name = class_name_for(name)
    elif not _CLASS.match(class_name) or keyword.iskeyword(class_name):
        raise ScaffoldError(f"class name {class_name!r} must be a Python identifier starting with a capital letter")
    prefix = class_name.removesuffix("Strategy") or class_name
    return StrategyNames(
        name=name,
        distribution="passport-strategy-" + name.replace("_", "-"),
        package="passport.strategies." + name,
        class_name=class_name,
        prefix=prefix,
    )


def core_range(version: str = __version__) -> str:
    """The passport-core range a new strategy declares: this core's minor as the floor, the next
    major as the ceiling (the authoring guide's policy: the authoring surface is stable within a
    major version)."""
    major, minor = (int(part) for part in version.split(".")[:2])
    return f">={major}.{minor},<{major + 1}"


def render(names: StrategyNames) -> dict[str, str]:
    """The distribution's files, ``{relative path: text}``, for ``names``."""
    values = {
        "name": names.name,
        "distribution": names.distribution,
        "package": names.package,
        "cls": names.class_name,
        "prefix": names.prefix,
        "error": names.prefix + "Error",
        "core_range": core_range(),
    }
    return {Template(path).substitute(values): Template(text).substitute(values) for path, text in FILES.items()}


def write_strategy(
    name: str, directory: pathlib.Path | str | None = None, *, class_name: str | None = None
) -> pathlib.Path:
    """Write a new strategy distribution and return its folder.

    :param name: the strategy's entry point name, e.g. ``"hmac"``.
    :param directory: the folder to create (default ``./passport-strategy-<name>``); it must
        not exist, or be empty.
    :param class_name: the strategy class, when the acronym rule does not give the one you want.
    :raises ScaffoldError: a bad name, or the folder exists and is not empty (nothing is
        overwritten).
    """
    names = strategy_names(name, class_name)
    root = pathlib.Path(directory if directory is not None else names.distribution)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ScaffoldError(f"{str(root)!r} already exists and is not an empty folder; nothing was written")
    files = render(names)
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root
