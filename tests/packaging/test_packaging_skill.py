"""SKILL.md: valid Agent Skill (reference validator), and it teaches every tool and every error code."""

from __future__ import annotations

import re

from skills_ref import read_properties, validate

from plugin.toolkit.errors import ErrorCode
from tests.plugin_parts import NAMESPACE, REGISTRY, ROOT, full_name

SKILL_DIR = ROOT / "skills" / "contract-intelligence"
SKILL = (SKILL_DIR / "SKILL.md").read_text(encoding="utf-8")


def test_reference_validator_accepts_the_skill() -> None:
    assert validate(SKILL_DIR) == []
    properties = read_properties(SKILL_DIR)
    assert properties.name == SKILL_DIR.name
    assert 0 < len(properties.description) <= 1024


def test_skill_names_every_registered_tool() -> None:
    missing = [full_name(spec) for spec in REGISTRY if f"`{full_name(spec)}`" not in SKILL]
    assert missing == [], "teach these tools in SKILL.md"


def test_skill_names_no_tool_that_does_not_exist() -> None:
    named = set(re.findall(re.escape(NAMESPACE) + r"[a-z_]+", SKILL))
    assert named <= {full_name(spec) for spec in REGISTRY}


def test_skill_says_how_to_react_to_every_error_code() -> None:
    missing = [code.value for code in ErrorCode if f"`[{code.value}]`" not in SKILL]
    assert missing == []
