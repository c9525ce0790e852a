#!/usr/bin/env bash
# CI: the packaging validators, run for real (never skipped). Exits non-zero on the first failure.
#   - manifest.json agrees with the code            python -m plugin.release.manifest check
#   - the skill is a valid Agent Skill              agentskills validate (PyPI skills-ref)
#   - the repository and the built zip are plugins  claude plugin validate --strict (npm @anthropic-ai/claude-code)
#   - the MCP bundle validates, packs and signs     mcpb validate / pack / sign (npm @anthropic-ai/mcpb)
#   - the server, as a client sees it               MCP Inspector CLI: tools/list --strict, then one
#                                                   tools/call per listed tool on the demo default
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
"$PYTHON" -m plugin.release.manifest check

step "agentskills validate skills/contract-intelligence"
agentskills="$(dirname "$(command -v "$PYTHON")")/agentskills"
[[ -x "$agentskills" ]] || agentskills="agentskills"
"$agentskills" validate skills/contract-intelligence

step "claude plugin validate --strict . (repository as plugin + marketplace)"
"$claude" plugin validate --strict .
"$claude" plugin validate --strict .claude-plugin/plugin.json

step "plugin zip: build, unpack, claude plugin validate --strict"
"$PYTHON" -m plugin.release.packaging plugin-zip --output "$work/plugin.zip"
mkdir -p "$work/plugin"
"$PYTHON" -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$work/plugin.zip" "$work/plugin"
"$claude" plugin validate --strict "$work/plugin"

step "MCP bundle: build (with dependencies), mcpb validate, mcpb pack"
"$PYTHON" -m plugin.release.packaging mcpb --output "$work/python-built.mcpb"
"$mcpb" validate build/mcpb/manifest.json
"$mcpb" pack build/mcpb "$work/contract-intelligence.mcpb"
"$mcpb" info "$work/contract-intelligence.mcpb"

step "MCP bundle: mcpb sign (self-signed, throw-away certificate)"
# `mcpb verify` cannot confirm any signature in mcpb 2.1.2: it always answers "Extension is not signed"
# (node-forge's PKCS#7 verify is a stub; modelcontextprotocol/mcpb#260, #277). So check that
# signing succeeded and appended the MCPB signature block; verify our own Ed25519 signature instead
# (tests/packaging, `python -m plugin.release.signing verify`).
(cd "$work" && "$mcpb" sign contract-intelligence.mcpb --self-signed)
tail -c 64 "$work/contract-intelligence.mcpb" | grep -q MCPB_SIG_END
grep -q --binary-files=text MCPB_SIG_V1 "$work/contract-intelligence.mcpb"
echo "signature block present"

step "MCP Inspector CLI: tools/list --strict (python server.py, demo default)"
# The demo default: no CLM configured, the bundled sandbox serves the calls in-process.
for name in $(env | grep -o '^CLM_[A-Z_]*' || true); do unset "$name"; done
"$inspector" --cli --strict "$PYTHON" server.py --method tools/list >"$work/tools.json"

step "MCP Inspector CLI: one tools/call per listed tool"
# Arguments come from each tool's inputSchema (required fields) plus real ids from a first search,
# so a new tool is called without editing this script. A tool error (isError) fails the run.
"$inspector" --cli "$PYTHON" server.py --method tools/call --tool-name clm__search_contracts \
  --tool-arg limit=2 --tool-arg 'statuses=["active"]' >"$work/search.json"
"$PYTHON" - "$work/tools.json" "$work/search.json" >"$work/calls.txt" <<'PY'
import json, sys

tools = json.load(open(sys.argv[1], encoding="utf-8"))["tools"]
ids = [row["id"] for row in json.load(open(sys.argv[2], encoding="utf-8"))["structuredContent"]["contracts"]]
assert len(ids) >= 2, "the demo search returned fewer than 2 contracts"


def sample(schema: dict, defs: dict) -> object:
    if "$ref" in schema:
        return sample(defs[schema["$ref"].rsplit("/", 1)[-1]], defs)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "integer" or kind == "number":
        return schema.get("minimum", 1)
    if kind == "boolean":
        return False
    if kind == "array":
        return []
    return "CI check: please ignore"


for tool in tools:
    schema = tool["inputSchema"]
    properties, defs = schema.get("properties", {}), schema.get("$defs", {})
    args = {name: sample(properties[name], defs) for name in schema.get("required", [])}
    if "contract_id" in properties:
        args["contract_id"] = ids[0]
    if "contract_ids" in properties:
        args["contract_ids"] = ids[:2]
    pairs = [f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in args.items()]
    print("\t".join([tool["name"], *pairs]))
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
