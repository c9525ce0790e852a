"""`python server.py --help` and `--version`: written from the code (commands, the settings model, the identity)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plugin.server.parts import PluginParts

COMMANDS: tuple[tuple[str, str], ...] = (
    ("(no command)", "serve MCP on stdin/stdout (the embedded demo backend when none is configured)"),
    ("serve [--host H] [--port P]", "serve MCP over streamable HTTP as an OAuth resource server (docs/deploy.md)"),
    ("doctor", "check configuration, token endpoint, token, scopes, backend, data residency, signature"),
    ("audit-report [--file FILE]", "per-tool calls, error rates by code, p50/p95, abandoned sessions"),
    ("review-pack [--output FILE | --check FILE]", "the admin review document (data, actions, controls, rollback)"),
    ("manifest write|check", "regenerate / check manifest.json against the code"),
    ("identity write|check", "regenerate / check the files derived from identity.toml"),
    ("package plugin-zip|remote-plugin|mcpb [...]", "build the plugin zip, its remote variant or the MCP bundle"),
    ("--help, -h", "this text"),
    ("--version", "the plugin's name and version"),
)


def version_text(parts: PluginParts) -> str:
    return f"{parts.identity.name} {parts.identity.version}\n"


# `--help` imports only what it prints: the settings model, pydantic and the audit module on demand (start-up of
# a help answer, measured in bench/core_server.py).
def _default(field: object) -> str:
    from pydantic_core import PydanticUndefined

    default = getattr(field, "default", None)
    if default is PydanticUndefined or getattr(field, "default_factory", None) is not None:
        return ""
    if default is None:
        return ""
    if isinstance(default, bool):
        return str(default).lower()
    return str(default)


# Read outside the settings model (before it is loaded, or by one subsystem): named here so --help is complete.
OTHER_VARIABLES: tuple[tuple[str, str], ...] = (
    ("require_signature", "true: refuse to start unless the installation verifies against the trusted key"),
    ("trusted_fingerprint", "the signing key's fingerprint (SHA256:...) the installation must verify against"),
    ("cache_dir", "where tool schemas are cached between starts (default the user cache directory)"),
    ("bootstrap", "off: never install the pinned dependencies with uv when they are missing"),
)


def settings_lines(parts: PluginParts) -> list[str]:
    """One line per setting of `PluginSettings`: the variable (with the identity's prefix), default, meaning."""
    from plugin.config.settings import PluginSettings

    lines = []
    for name, field in PluginSettings.model_fields.items():
        default = _default(field)
        meaning = field.description or ""
        shown = f" (default {default})" if default else ""
        lines.append(f"  {parts.identity.env(name):<32} {meaning}{shown}".rstrip())
    lines += [f"  {parts.identity.env(name):<32} {meaning}" for name, meaning in OTHER_VARIABLES]
    return lines


def help_text(parts: PluginParts) -> str:
    from plugin.observability.audit import default_audit_path

    identity = parts.identity
    width = max(len(command) for command, _ in COMMANDS)
    out = [
        f"{identity.display_name} {identity.version}: {identity.short_description}",
        "",
        "usage: python server.py [COMMAND]",
        "",
        "commands:",
        *(f"  {command:<{width}}  {what}" for command, what in COMMANDS),
        "",
        f"configuration (environment variables; {identity.env('base_url')} unset = the embedded demo backend):",
        *settings_lines(parts),
        "",
        "where output goes:",
        "  stdout   the MCP protocol only (stdio mode); the other commands print their report there",
        f"  stderr   logs, as JSON lines ({identity.env('log_level')}=DEBUG shows every backend request, redacted)",
        "  audit    one JSON line per tool call; default (when the manifest requires audit) "
        f"{default_audit_path(identity.name)}",
        f"           and, for the embedded demo backend, {default_audit_path(identity.name, demo=True)};",
        f"           {identity.env('audit')}=file:PATH | stderr | syslog[:ADDRESS] | off",
        "",
        "exit status: 0 ok, 1 a check failed (doctor, manifest/identity check), 2 bad configuration or usage",
    ]
    return "\n".join(out) + "\n"
