"""The ``passport`` console command: what is installed (read from metadata, nothing imported),
and a new strategy distribution.

::

    $ passport strategies            # a table: name, distribution, version, target
    $ passport strategies --json     # the same for machines
    $ passport plugins               # passport.plugins entry points (loaded only on opt-in)
    $ passport new strategy hmac     # writes ./passport-strategy-hmac (HMACStrategy), ready to test
    $ passport --version

Exit status: 0 when the listing is clean, 1 when two distributions claim one strategy name
(the listing is still printed, and the conflict is explained on stderr) or when ``new`` cannot
write (a bad name, an occupied folder: nothing is written), 2 for usage errors.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO

from ._discovery import GROUP
from ._discovery import StrategyInfo
from ._discovery import strategy_entries
from ._plugins import DISABLE_AUTOLOAD_ENV
from ._plugins import PLUGIN_GROUP
from ._plugins import autoload_disabled
from ._plugins import plugin_entries
from ._scaffold import ScaffoldError
from ._scaffold import strategy_names
from ._scaffold import write_strategy
from ._version import __version__

EXIT_OK = 0
EXIT_CONFLICT = 1
EXIT_USAGE = 2

_COLUMNS = ("name", "distribution", "version", "target")


def _table(rows: Sequence[StrategyInfo], out: TextIO, marks: Sequence[str] = ()) -> None:
    cells = [tuple(getattr(r, c) for c in _COLUMNS) for r in rows]
    header = tuple(c.upper() for c in _COLUMNS)
    widths = [max(len(str(x)) for x in col) for col in zip(header, *cells, strict=False)]
    for i, line in enumerate([header, *cells]):
        mark = marks[i - 1] if i and marks else ""
        out.write("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip() + mark + "\n")


def _conflicts(entries: Sequence[StrategyInfo]) -> dict[str, list[StrategyInfo]]:
    claims: dict[str, list[StrategyInfo]] = {}
    for info in entries:
        claims.setdefault(info.name, []).append(info)
    return {name: infos for name, infos in claims.items() if len(infos) > 1}


def _strategies(as_json: bool, out: TextIO, err: TextIO) -> int:
    entries = strategy_entries()  # read once, so the table and the conflicts agree
    conflicts = _conflicts(entries)
    if as_json:
        document = {
            "group": GROUP,
            "strategies": [{c: getattr(i, c) for c in _COLUMNS} | {"conflict": i.name in conflicts} for i in entries],
            "conflicts": {name: [i.distribution for i in infos] for name, infos in conflicts.items()},
        }
        json.dump(document, out, indent=2)
        out.write("\n")
    elif not entries:
        out.write(f"No passport strategies are installed (entry point group {GROUP!r}).\n")
    else:
        _table(entries, out, ["  <- conflict" if i.name in conflicts else "" for i in entries])
    for name, infos in conflicts.items():
        who = " and ".join(f"{i.distribution} {i.version}" for i in infos)
        err.write(f"passport: strategy name {name!r} is declared by {who}; load_strategy({name!r}) will refuse it.\n")
    return EXIT_CONFLICT if conflicts else EXIT_OK


def _plugins(as_json: bool, out: TextIO) -> int:
    entries = plugin_entries()
    disabled = autoload_disabled()
    if as_json:
        document = {
            "group": PLUGIN_GROUP,
            "autoload_disabled": disabled,
            "plugins": [{c: getattr(i, c) for c in _COLUMNS} for i in entries],
        }
        json.dump(document, out, indent=2)
        out.write("\n")
        return EXIT_OK
    if not entries:
        out.write(f"No passport plugins are installed (entry point group {PLUGIN_GROUP!r}).\n")
    else:
        _table(entries, out)
    out.write("Plugins load only in apps created with Passport(load_plugins=True)")
    out.write(f"; {DISABLE_AUTOLOAD_ENV} is set, so none will.\n" if disabled else ".\n")
    return EXIT_OK


def _new_strategy(name: str, directory: str | None, class_name: str | None, out: TextIO, err: TextIO) -> int:
    try:
        names = strategy_names(name, class_name)
        root = write_strategy(name, directory, class_name=class_name)
    except (ScaffoldError, OSError) as exc:
        err.write(f"passport: {exc}\n")
        return EXIT_CONFLICT
    out.write(
        f"Wrote {names.distribution} ({names.package}:{names.class_name}) in {root}\n"
        "Next, in a virtual environment:\n"
        f"  cd {root}\n"
        '  pip install -e ".[test]"\n'
        "  (from a passport checkout: pip install -e <passport>/core -e <passport>/strategy-runner first)\n"
        "  pytest\n"
    )
    return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="passport", description="Inspect installed passport strategies and plugins.")
    parser.add_argument("--version", action="version", version=f"passport-core {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    listing = commands.add_parser("strategies", help="list installed strategies (exit 1 on a name conflict)")
    listing.add_argument("--json", action="store_true", help="print JSON for machines")
    plugins = commands.add_parser("plugins", help="list installed plugins (passport.plugins entry points)")
    plugins.add_argument("--json", action="store_true", help="print JSON for machines")
    new = commands.add_parser("new", help="write a new distribution")
    kinds = new.add_subparsers(dest="kind", required=True, metavar="KIND")
    strategy = kinds.add_parser("strategy", help="write passport-strategy-NAME: strategy, entry point, tests, README")
    strategy.add_argument("name", help="the entry point name, a lowercase identifier (hmac, acme_sso)")
    strategy.add_argument("--class-name", help="the strategy class (default: acronym-aware, hmac -> HMACStrategy)")
    strategy.add_argument("--directory", help="the folder to create (default: ./passport-strategy-NAME)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``passport`` command; returns the exit status (argparse exits 2 on usage errors)."""
    args = _parser().parse_args(argv)
    if args.command == "strategies":
        return _strategies(args.json, sys.stdout, sys.stderr)
    if args.command == "new":
        return _new_strategy(args.name, args.directory, args.class_name, sys.stdout, sys.stderr)
    return _plugins(args.json, sys.stdout)


if __name__ == "__main__":  # pragma: no cover - `python -m passport.core._cli`
    sys.exit(main())
