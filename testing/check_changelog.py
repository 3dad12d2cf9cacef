"""Every changelog fragment must be one towncrier renders: `<issue>.<type>.md`, a configured type.

towncrier silently leaves out a fragment whose type its configuration does not list, so a
misnamed fragment would vanish from the release notes. Run by `nox -s lint`.
"""

from __future__ import annotations

import pathlib
import re
import sys
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
FRAGMENT = re.compile(r"(?P<issue>\d+)\.(?P<type>[a-z]+)(\.\d+)?\.md")


def problems() -> list[str]:
    found: list[str] = []
    for pyproject in sorted(ROOT.glob("**/pyproject.toml")):
        if ".nox" in pyproject.parts:
            continue
        config = tomllib.loads(pyproject.read_text()).get("tool", {}).get("towncrier")
        if config is None:
            continue
        types = {entry["directory"] for entry in config.get("type", [])}
        if not types:
            found.append(f"{pyproject.relative_to(ROOT)}: [tool.towncrier] lists no fragment types")
        directory = pyproject.parent / config.get("directory", "changelog.d")
        for fragment in sorted(directory.glob("*")):
            if fragment.name.startswith("."):
                continue
            match = FRAGMENT.fullmatch(fragment.name)
            if match is None or match["type"] not in types:
                found.append(f"{fragment.relative_to(ROOT)}: not <issue>.<type>.md with a type of {sorted(types)}")
    return found


if __name__ == "__main__":
    listed = problems()
    print("\n".join(listed) or "changelog fragments: all renderable")
    sys.exit(1 if listed else 0)
