"""The corpus generator's version: part of the key of every cached build (kept apart from the generator itself,
whose import costs ~200 ms, so that opening a cached build does not import it)."""

from typing import Final

# Bump on any change to what the generator produces for given parameters: cached builds are then rebuilt.
GENERATOR_VERSION: Final = "1"
