"""Hypothesis strategies from a tool's own input JSON schema (the subset pydantic emits for our models).

`valid_for(schema)` draws arguments the schema allows; `invalid_for(schema)` takes such arguments and breaks
one thing (wrong type, out of range, unknown key, missing required, oversized string). A schema keyword this
module does not understand raises, so a new kind of field cannot silently go unfuzzed.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

Schema = dict[str, Any]
JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=50),
    st.text(min_size=5000, max_size=20000, alphabet=st.characters(codec="utf-8")),
    st.lists(st.integers(), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
_UNDERSTOOD = {
    "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems", "enum",
    "minimum", "maximum", "minLength", "maxLength", "pattern", "format", "anyOf", "$ref", "$defs",
    "default", "description", "title",
}  # fmt: skip


def _resolve(node: Schema, root: Schema) -> Schema:
    ref = node.get("$ref")
    if ref is None:
        return node
    name = ref.removeprefix("#/$defs/")
    resolved: Schema = root["$defs"][name]
    return resolved


def valid_for(
    node: Schema, root: Schema | None = None, hints: dict[str, list[str]] | None = None
) -> st.SearchStrategy[Any]:
    """Values `node` allows. `hints` maps a string pattern to real values mixed in (e.g. existing ids)."""
    root = root if root is not None else node
    hints = hints or {}
    node = _resolve(node, root)
    unknown = set(node) - _UNDERSTOOD
    if unknown:
        raise ValueError(f"schema keywords not handled by the fuzzer: {sorted(unknown)}")
    if "anyOf" in node:
        return st.one_of(*(valid_for(option, root, hints) for option in node["anyOf"]))
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(min_value=node.get("minimum"), max_value=node.get("maximum"))
    if kind == "string":
        return _string(node, hints)
    if kind == "array":
        items = valid_for(node["items"], root, hints)
        return st.lists(items, min_size=node.get("minItems", 0), max_size=min(node.get("maxItems", 10), 10))
    if kind == "object":
        return _object(node, root, hints)
    raise ValueError(f"schema type not handled by the fuzzer: {kind!r}")


def _string(node: Schema, hints: dict[str, list[str]]) -> st.SearchStrategy[str]:
    low, high = node.get("minLength", 0), node.get("maxLength", 300)
    if node.get("format") == "date":
        return st.dates().map(lambda d: d.isoformat())
    if "pattern" in node:
        pattern: str = node["pattern"]
        drawn = st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)
        real = hints.get(pattern)
        return st.one_of(drawn, st.sampled_from(real)) if real else drawn
    return st.text(min_size=low, max_size=min(high, 300))


def _object(node: Schema, root: Schema, hints: dict[str, list[str]]) -> st.SearchStrategy[dict[str, Any]]:
    properties: dict[str, Schema] = node.get("properties", {})
    required = set(node.get("required", []))
    fields = {name: valid_for(sub, root, hints) for name, sub in properties.items()}
    optional = sorted(set(fields) - required)

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        chosen = draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []
        return {name: draw(fields[name]) for name in sorted(required) + chosen}

    return build()


def invalid_for(schema: Schema, hints: dict[str, list[str]] | None = None) -> st.SearchStrategy[dict[str, Any]]:
    """Arguments with exactly one deliberate defect (the rest valid)."""
    properties = sorted(schema.get("properties", {}))
    required = sorted(schema.get("required", []))

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        args: dict[str, Any] = dict(draw(valid_for(schema, hints=hints)))
        defects = ["unknown_key", "junk_value"] + (["missing_required"] if required else [])
        defect = draw(st.sampled_from(defects))
        if defect == "unknown_key":
            args[draw(st.text(min_size=1, max_size=30).filter(lambda k: k not in properties))] = draw(JUNK)
        elif defect == "missing_required":
            del args[draw(st.sampled_from(required))]
        else:
            args[draw(st.sampled_from(properties))] = draw(JUNK)
        return args

    return build()
