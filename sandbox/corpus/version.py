"""The corpus generator's version: part of the key of every cached build (kept apart from the generator itself,
whose import costs ~200 ms, so that opening a cached build does not import it)."""

from typing import Final

# Bump on any change to what the generator produces for given parameters: cached builds are then rebuilt.
GENERATOR_VERSION: Final = "2"

# The corpus' shape (its contracts, families, statuses and clauses) comes from the seed alone and every date is
# drawn relative to `as_of`: another business date moves the dates, not the contracts, so a demo and the tests
# meet the same contracts every day (with as_of in the seed each day was a new corpus, and an id a tool's
# example names was an MSA one day and an amendment the next). The date in the key is the one the fixed-date
# corpus (DEMO_AS_OF) was always seeded with, which keeps that corpus byte for byte.
SHAPE_KEY: Final = "2026-11-24"
