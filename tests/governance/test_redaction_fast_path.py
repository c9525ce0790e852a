"""The scrub's fast path (skip the credential regex when none of its words occurs) changes no output."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plugin.observability.redaction import _CREDENTIAL_TEXT, SecretRegistry, _mask_credential

WORDS = ["bearer", "Basic", "ACCESS_TOKEN", "refresh_token", "Client_Secret", "id_token", "PassWord", "token"]
# Letters Python's IGNORECASE folds onto ASCII ones (dotless i, long s, Kelvin sign), and separators.
PIECES = st.sampled_from([*WORDS, " ", "=", ":", '"', "abcdefghijkl", "\u0131", "\u017f", "\u212a", "é", "\n"])


def reference(registry: SecretRegistry, text: str) -> str:
    return _CREDENTIAL_TEXT.sub(_mask_credential, registry.scrub_values(text))


@settings(max_examples=400, deadline=None)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_scrub_equals_the_regex_on_every_text(text: str) -> None:
    registry = SecretRegistry()
    registry.add("abcdefghijkl")
    assert registry.scrub(text) == reference(registry, text)


def test_non_ascii_spellings_the_regex_folds_are_still_masked() -> None:
    registry = SecretRegistry()
    for text in ("cl\u0131ent_secret=hunter22", "pa\u017f\u017fword: hunter22", "Bearer abcdefghijkl \u212a"):
        assert registry.scrub(text) == reference(registry, text)
        assert "hunter22" not in registry.scrub(text)
