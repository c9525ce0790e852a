"""The MCP server side: tool registration, the call pipeline, visibility, admission, stdio."""
