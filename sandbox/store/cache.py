"""Where corpus databases are cached, keyed by corpus parameters and the generator's own code.

The key hashes the source of the corpus package and of the database builder, so changing the
generator, the renderer or the schema invalidates old caches without a manual version bump.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import platformdirs

from sandbox.corpus.models import Corpus
from sandbox.corpus.version import GENERATOR_VERSION
from sandbox.store.schema import SCHEMA_VERSION

_SANDBOX_DIR = Path(__file__).resolve().parent.parent
_KEYED_SOURCES = ("corpus/*.py", "corpus/**/*.py", "store/build.py", "store/schema.py", "store/text.py")


def default_cache_dir() -> Path:
    return platformdirs.user_cache_path("contract-intelligence") / "sandbox"


def generator_key() -> str:
    digest = hashlib.sha256(f"schema={SCHEMA_VERSION};generator={GENERATOR_VERSION}".encode())
    sources = sorted({p for pattern in _KEYED_SOURCES for p in _SANDBOX_DIR.glob(pattern)})
    for source in sources:
        digest.update(source.relative_to(_SANDBOX_DIR).as_posix().encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def corpus_stem(corpus: Corpus) -> str:
    return f"corpus-n{corpus.contracts}-s{corpus.seed}-{corpus.as_of.isoformat()}"


def cached_corpus_path(cache_dir: Path, corpus: Corpus, key: str) -> Path:
    return cache_dir / f"{corpus_stem(corpus)}-{key[:16]}.db"


OLD_DAY_SECONDS = 7 * 24 * 3600


def stale_siblings(path: Path, corpus: Corpus, now: float | None = None) -> list[Path]:
    """Builds of the same corpus parameters by other versions of the code, untouched for a week.

    Not every other build at once: two versions in use on one machine (two installations, a checkout
    and its benchmark baseline) would otherwise delete each other's build on every start and rebuild
    their own (seconds) each time.
    """
    now = time.time() if now is None else now
    return [
        p
        for p in path.parent.glob(f"{corpus_stem(corpus)}-*.db")
        if p != path and now - p.stat().st_mtime > OLD_DAY_SECONDS
    ]


def outdated_days(path: Path, corpus: Corpus, now: float | None = None) -> list[Path]:
    """Builds of the same size and seed for other business dates, untouched for a week.

    The default business date is today, so a demo builds a new database each day: without this
    the cache would grow by one database a day. A week's grace keeps the builds of fixed dates
    (tests, benchmarks) that are still in use.
    """
    now = time.time() if now is None else now
    pattern = f"corpus-n{corpus.contracts}-s{corpus.seed}-*.db"
    return [
        p
        for p in path.parent.glob(pattern)
        if p != path and not p.name.startswith(corpus_stem(corpus)) and now - p.stat().st_mtime > OLD_DAY_SECONDS
    ]
