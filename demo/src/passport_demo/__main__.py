"""``python -m passport_demo [--port 8000]``: start the demo and print where and how to sign in."""

from __future__ import annotations

import argparse
import sys

from ._server import start_demo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m passport_demo", description=__doc__)
    parser.add_argument("--port", type=int, default=8000, help="the app's port on 127.0.0.1 (default 8000)")
    parser.add_argument("--provider-port", type=int, default=0, help="the demo provider's port (default: any free)")
    args = parser.parse_args(argv)
    try:
        demo = start_demo(args.port, provider_port=args.provider_port, log_requests=True)
    except OSError as exc:
        print(f"passport demo: cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    s = demo.settings
    print(
        f"passport demo running at {demo.url}/\n\n"
        f"  password login   {s.username} / {s.password}\n"
        f"  bearer token     curl -H 'Authorization: Bearer {s.bearer_token}' {demo.url}/api/me\n"
        f"  API key          curl -H 'X-API-Key: {s.api_key}' {demo.url}/api/me\n"
        f"  OAuth 2.0        'Sign in with the demo provider' (provider at {demo.provider_url})\n\n"
        "Press Ctrl+C to stop.",
        flush=True,
    )
    try:
        demo.wait()
    except KeyboardInterrupt:
        print("\nstopping", flush=True)
    finally:
        demo.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
