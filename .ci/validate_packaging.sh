#!/usr/bin/env bash
# CI: the packaging validators, run for real (never skipped). Exits non-zero on the first failure.
#   - manifest.json agrees with the code            python server.py manifest check
#   - the identity files agree with identity.toml   python server.py identity check
#                                                   (.claude-plugin/plugin.json, marketplace.json, .mcp.json)
#   - the skill is a valid Agent Skill              agentskills validate (PyPI skills-ref)
#   - the repository and the built zip are plugins  claude plugin validate --strict (npm @anthropic-ai/claude-code)
#   - the README's Claude Code commands             marketplace add ./, install, mcp list -> Connected; the plugin
#                                                   cache holds no venv or test cache (private HOME)
#   - the MCP bundles validate and pack             mcpb validate / pack (npm @anthropic-ai/mcpb), python and uv types
#                                                   (`mcpb sign`/`verify` are not run: see README, Signing)
#   - the server, as a client sees it               MCP Inspector CLI: tools/list --strict, then one
#                                                   tools/call per tool on the demo default, with the
#                                                   tool's own `example` arguments (ToolSpec.example)
# The npm packages are installed here, pinned, into a throw-away directory (npm install --no-save):
# nothing installed by hand is used. Python is the CI venv's (`python`), or $PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python}"
CLAUDE_CODE_VERSION="2.1.330"
MCPB_VERSION="2.1.2"
INSPECTOR_VERSION="2.12.0"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Claude Code keeps state under $HOME; give it a private one so CI never touches a real profile.
export HOME="$work/home" DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
mkdir -p "$HOME"

step() { printf '\n== %s\n' "$*"; }
# Names come from identity.toml (through the composition root): this script spells no product name.
identity() { "$PYTHON" -c 'import sys, server; print(getattr(server.parts().identity, sys.argv[1]))' "$1"; }
plugin_name="$(identity name)"
env_prefix="$(identity env_prefix)"

step "npm install claude-code@$CLAUDE_CODE_VERSION mcpb@$MCPB_VERSION inspector@$INSPECTOR_VERSION"
mkdir -p "$work/npm"
printf '{"private": true}\n' >"$work/npm/package.json"
npm install --prefix "$work/npm" --no-save --no-audit --no-fund --loglevel=error \
  "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" "@anthropic-ai/mcpb@$MCPB_VERSION" \
  "@modelcontextprotocol/inspector@$INSPECTOR_VERSION"
claude="$work/npm/node_modules/.bin/claude"
mcpb="$work/npm/node_modules/.bin/mcpb"
inspector="$work/npm/node_modules/.bin/mcp-inspector"
"$claude" --version
"$mcpb" --version

step "manifest check"
"$PYTHON" server.py manifest check

step "identity check"
"$PYTHON" server.py identity check

step "agentskills validate skills/*"
agentskills="$(dirname "$(command -v "$PYTHON")")/agentskills"
[[ -x "$agentskills" ]] || agentskills="agentskills"
skills=(skills/*/)
[[ -d "${skills[0]}" ]] || { echo "no skill under skills/"; exit 1; }
for skill in "${skills[@]}"; do "$agentskills" validate "${skill%/}"; done

step "claude plugin validate --strict . (repository as plugin + marketplace)"
"$claude" plugin validate --strict .
"$claude" plugin validate --strict .claude-plugin/plugin.json

step "Claude Code: marketplace add ./, install, mcp list (the README's commands, private HOME)"
# Before anything is built into build/: `marketplace add ./` copies the whole folder into the plugin cache.
"$claude" plugin marketplace add ./
"$claude" plugin install "$plugin_name@$plugin_name-marketplace"
(for name in $(env | grep -o "^${env_prefix}[A-Z0-9_]*" || true); do unset "$name"; done
 "$claude" mcp list | tee "$work/mcp-list.txt")
grep -q "plugin:$plugin_name:.* Connected" "$work/mcp-list.txt" || { echo "the plugin's server did not connect"; exit 1; }
cache="$HOME/.claude/plugins/cache"
leaked="$(find "$cache" \( -name .venv -o -name venv -o -name .pytest_cache -o -name .hypothesis -o -name node_modules \) -print)"
[[ -z "$leaked" ]] || { echo "the plugin cache received: $leaked"; exit 1; }
echo "plugin cache: $(du -sh "$cache" | cut -f1), no venv or test cache"
"$claude" plugin uninstall "$plugin_name@$plugin_name-marketplace"

step "review pack is current"
"$PYTHON" server.py review-pack --check docs/review-pack.md

step "plugin zip: build, unpack, claude plugin validate --strict"
"$PYTHON" server.py package plugin-zip --output "$work/plugin.zip"
mkdir -p "$work/plugin"
"$PYTHON" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$work/plugin.zip" "$work/plugin"
"$claude" plugin validate --strict "$work/plugin"

step "MCP bundle: build (with dependencies), mcpb validate, mcpb pack"
"$PYTHON" server.py package mcpb --output "$work/python-built.mcpb"
"$mcpb" validate build/mcpb/manifest.json
"$mcpb" pack build/mcpb "$work/$plugin_name.mcpb"
"$mcpb" info "$work/$plugin_name.mcpb"

step "MCP bundle, uv server type (manifest 0.4): build, mcpb validate, mcpb pack"
"$PYTHON" server.py package mcpb --uv --output "$work/uv-built.mcpb"
"$mcpb" validate build/mcpb/manifest.json
"$mcpb" pack build/mcpb "$work/$plugin_name-uv.mcpb"
# No build-machine path in what ships (console scripts with a venv shebang were the last ones).
"$PYTHON" server.py package mcpb --output "$work/python-built.mcpb"
if grep -rlF --binary-files=without-match "$(dirname "$(dirname "$(command -v "$PYTHON")")")" build/mcpb; then
  echo "build-machine paths in the bundle"; exit 1
fi
# `mcpb sign` is not run: 2.1.2 writes bundles Claude Desktop refuses (modelcontextprotocol/mcpb#278) and
# `mcpb verify` reports every bundle unsigned (#260, #277). Our Ed25519 signature covers the files instead.

step "MCP Inspector CLI: tools/list --strict (python server.py, demo default)"
# The demo default: no backend configured, the bundled sandbox serves the calls in-process.
for name in $(env | grep -o "^${env_prefix}[A-Z0-9_]*" || true); do unset "$name"; done
"$inspector" --cli --strict "$PYTHON" server.py --method tools/list >"$work/tools.json"

step "MCP Inspector CLI: one tools/call per tool, with its example arguments"
# Names and arguments come from the code (server.parts(): each tool's full name and `example`, arguments
# valid on the demo backend), so a new tool is called without editing this script. Every tool the code
# registers must be listed by tools/list and vice versa. A tool error (isError) fails the run.
"$PYTHON" - "$work/tools.json" >"$work/calls.txt" <<'PY'
import json, sys

import server

parts = server.parts()
listed = [tool["name"] for tool in json.load(open(sys.argv[1], encoding="utf-8"))["tools"]]
registered = [parts.full_name(spec) for spec in parts.tools]
assert sorted(listed) == sorted(registered), f"tools/list {sorted(listed)} != registry {sorted(registered)}"
for spec in parts.tools:
    pairs = [f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in spec.example.items()]
    print("\t".join([parts.full_name(spec), *pairs]))
PY
while IFS=$'\t' read -r -a call; do
  tool="${call[0]}"
  args=()
  for pair in "${call[@]:1}"; do args+=(--tool-arg "$pair"); done
  printf '  %s %s\n' "$tool" "${call[*]:1}"
  "$inspector" --cli "$PYTHON" server.py --method tools/call --tool-name "$tool" "${args[@]}" >"$work/call.json" \
    || { echo "tools/call $tool failed:"; cat "$work/call.json"; exit 1; }
done <"$work/calls.txt"
echo "called $(wc -l <"$work/calls.txt") tools"

step "packaging validators passed"
