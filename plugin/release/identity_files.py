"""The files that say who the plugin is, generated from identity.toml and checked like manifest.json.

.claude-plugin/plugin.json        the Claude Code / Cowork plugin manifest (userConfig from the user options)
.claude-plugin/marketplace.json   a private marketplace that lists this plugin
.mcp.json                         how a client starts the server (stdio), with the user options as variables

The remote variant (`python server.py package remote-plugin --url URL`, `remote_plugin_files`): the same
plugin with skills, whose .mcp.json points at a central `serve` deployment instead of starting a process.

python server.py identity write   regenerate them
python server.py identity check   exit 1 when any of them disagrees with identity.toml
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from plugin.config.identity import Identity


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PluginAuthor(_Out):
    name: str
    email: str | None = Field(default=None, exclude_if=lambda value: value is None)
    url: str | None = Field(default=None, exclude_if=lambda value: value is None)


class UserConfigOption(_Out):
    type: str = "string"
    title: str
    description: str
    required: bool = False
    sensitive: bool | None = Field(default=None, exclude_if=lambda value: value is None)
    # A secret has no default (hosts keep it in the OS secret store); the others default to empty = unset.
    default: str | None = Field(default=None, exclude_if=lambda value: value is None)


class PluginManifest(_Out):
    name: str
    version: str
    description: str
    author: PluginAuthor
    keywords: list[str]
    userConfig: dict[str, UserConfigOption]


def user_config(identity: Identity) -> dict[str, UserConfigOption]:
    return {
        identity.user_config_key(option): UserConfigOption(
            title=option.title,
            description=option.description,
            sensitive=True if option.sensitive else None,
            default=None if option.sensitive else "",
        )
        for option in identity.user_options
    }


def user_config_env(identity: Identity) -> dict[str, str]:
    """{variable: ${user_config.<key>}}: how each user option reaches the server's environment."""
    return {
        identity.env(option.key): f"${{user_config.{identity.user_config_key(option)}}}"
        for option in identity.user_options
    }


def plugin_json(identity: Identity) -> dict[str, object]:
    manifest = PluginManifest(
        name=identity.name,
        version=identity.version,
        description=identity.description,
        author=PluginAuthor(name=identity.author.name, email=identity.author.email, url=identity.author.url),
        keywords=identity.keywords,
        userConfig=user_config(identity),
    )
    return manifest.model_dump(mode="json")


def marketplace_json(identity: Identity) -> dict[str, object]:
    return {
        "name": identity.marketplace_name,
        "owner": {"name": identity.author.name},
        "metadata": {"description": f"Private marketplace for the {identity.display_name} plugin."},
        "plugins": [
            {
                "name": identity.name,
                "source": "./",
                "description": identity.short_description,
                "version": identity.version,
                "category": identity.category,
            }
        ],
    }


def mcp_json(identity: Identity) -> dict[str, object]:
    return {
        "mcpServers": {
            identity.server_key: {
                "command": "python",
                "args": ["${CLAUDE_PLUGIN_ROOT}/server.py"],
                "env": user_config_env(identity),
            }
        }
    }


def generated(identity: Identity) -> dict[str, str]:
    """{path relative to the plugin root: exact file text}."""
    files = {
        ".claude-plugin/plugin.json": plugin_json(identity),
        ".claude-plugin/marketplace.json": marketplace_json(identity),
        ".mcp.json": mcp_json(identity),
    }
    return {path: json.dumps(data, indent=2, ensure_ascii=False) + "\n" for path, data in files.items()}


def check(root: Path, identity: Identity) -> list[str]:
    problems = []
    for path, text in generated(identity).items():
        try:
            current = (root / path).read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(f"{path} is missing")
            continue
        if current != text:
            problems.append(f"{path} differs from what identity.toml generates")
    return problems


def write(root: Path, identity: Identity) -> list[str]:
    written = []
    for path, text in generated(identity).items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def remote_mcp_json(identity: Identity, url: str) -> dict[str, object]:
    """.mcp.json of the remote variant: the client connects to `url` (streamable HTTP) and signs the user in
    with the organisation's authorization server (found from the server's RFC 9728 metadata)."""
    return {"mcpServers": {identity.server_key: {"type": "http", "url": url}}}


def remote_plugin_files(identity: Identity, url: str) -> dict[str, str]:
    """The generated files of the remote variant; no user options (the server is configured centrally)."""
    manifest = {key: value for key, value in plugin_json(identity).items() if key != "userConfig"}
    files = {".claude-plugin/plugin.json": manifest, ".mcp.json": remote_mcp_json(identity, url)}
    return {path: json.dumps(data, indent=2, ensure_ascii=False) + "\n" for path, data in files.items()}
