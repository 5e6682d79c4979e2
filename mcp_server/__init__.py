"""llmeng's MCP server. `main` parses options and serves over stdio (default) or streamable HTTP."""

from __future__ import annotations

import argparse
import ipaddress
import logging
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
        "  llmeng-mcp --root ~/proj --http --port 8765   # http://127.0.0.1:8765/mcp",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="project root; every path argument is confined to it (default: current directory)",
    )
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default: 127.0.0.1)")
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
    from mcp_server.server import create_server

    server = create_server(root)
    if not args.http:
        import anyio

        from mcp_server.stdio import serve_stdio

        anyio.run(serve_stdio, server)
        return 0
    if not _is_loopback(args.host):
        logging.getLogger("llmeng.mcp").warning(
            "serving on %s: reachable from other machines, and there is no authentication", args.host
        )
    server.run("streamable-http", host=args.host, port=args.port, streamable_http_path="/mcp")
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
