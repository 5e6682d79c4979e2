"""Baseline for bench_mcp.py: the smallest MCPServer, one trivial tool, over stdio."""

from mcp.server.mcpserver import MCPServer

server = MCPServer("hello", version="0.0.0", log_level="WARNING")


@server.tool()
def echo(text: str) -> str:
    """Return the text unchanged."""
    return text


if __name__ == "__main__":
    server.run()
