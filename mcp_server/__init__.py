"""llmeng's MCP server. `main` parses options and serves over stdio (default) or streamable HTTP."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

EXIT_USAGE = 2
DEFAULT_HTTP_PORT = 8765


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="llmeng-mcp",
        description="Serve llmeng's tools (audit, select_model, session_append, validate_agents) over MCP.",
        epilog="Example:\n  llmeng-mcp                      # stdio, root = current directory\n"
        "  llmeng-mcp --root ~/proj --http --port 8765   # http://127.0.0.1:8765/mcp\n"
        "  LLMENG_MCP_TOKEN=... llmeng-mcp --http --host 0.0.0.0 --allow-host mcp.internal:8765",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project root; every path argument is confined to it (default: current directory)",
    )
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="HTTP bind address (default: 127.0.0.1); any non-loopback address also needs --allow-host "
        "and a bearer token in $LLMENG_MCP_TOKEN",
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="HOST[:PORT]",
        help="with a non-loopback --host: a Host header to accept (repeatable)",
    )
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="with a non-loopback --host: a browser Origin to accept (repeatable; none: no browser client)",
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_HTTP_PORT, help=f"HTTP port (default: {DEFAULT_HTTP_PORT})"
    )
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="stderr log level (default: WARNING)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the server until the client disconnects; return the exit code."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as e:  # --help or a usage error: argparse already wrote the message
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    # Under stdio, stdout belongs to the protocol: every log line goes to stderr.
    logging.basicConfig(
        stream=sys.stderr, level=args.log_level, format="llmeng-mcp %(levelname)s %(message)s"
    )
    root = (args.root or Path.cwd()).expanduser()
    if not root.is_dir():
        print(
            f"error: project root {root} is not a directory\n  fix: pass --root <existing directory>",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.http:
        from llmeng.errors import LlmengError
        from mcp_server.http import plan_exposure

        try:
            exposure = plan_exposure(
                args.host, allow_hosts=args.allow_host, allow_origins=args.allow_origin, env=os.environ
            )
        except LlmengError as e:
            print(f"error: {e}\n  fix: {e.fix}", file=sys.stderr)
            return EXIT_USAGE
    from mcp_server.server import create_server

    # Over stdio the server has one client, whose Claude Code session its appends can be tied to.
    server = create_server(root, env=None if args.http else os.environ)
    if not args.http:
        import anyio

        from mcp_server.stdio import serve_stdio

        anyio.run(serve_stdio, server)
        return 0
    from mcp_server.http import serve_http

    serve_http(server, exposure, args.port)
    return 0
