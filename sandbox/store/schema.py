"""SQLite schema of the sandbox CLM.

Sort keys are generated columns that never hold NULL (a missing date sorts as the far future,
a missing value as the lowest), so keyset pagination compares plain `(key, id)` row values and
each sort is one index scan. Document text is stored zlib-compressed; the full-text index is a
contentless FTS5 table (the text is not stored twice) with positions, so quoted phrases match as
phrases. Each document's section list (number, heading, span) serves snippets and note targets.
"""

from __future__ import annotations

from typing import Final

SCHEMA_VERSION: Final = "6"
FAR_FUTURE: Final = "9999-12-31"

DDL: Final = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE counterparties (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_folded TEXT NOT NULL,  -- casefolded, accents removed: for case/accent-insensitive matching
    country TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX counterparties_by_name ON counterparties (name_folded, id);

CREATE TABLE contracts (
    seq INTEGER PRIMARY KEY,  -- rowid; the FTS index refers to it
    id TEXT NOT NULL UNIQUE,
    number TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    counterparty_id TEXT NOT NULL REFERENCES counterparties (id),
    our_entity TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    owner_email TEXT NOT NULL,
    effective_date TEXT,
    execution_date TEXT,
    expiration_date TEXT,
    initial_term_months INTEGER,
    auto_renew INTEGER NOT NULL,
    renewal_term_months INTEGER,
    renewal_notice_days INTEGER,
    renewal_notice_date TEXT,
    termination_for_convenience INTEGER NOT NULL,
    convenience_party TEXT,
    convenience_notice_days INTEGER,
    cure_days INTEGER,
    payment_terms_days INTEGER,
    total_value REAL,
    annual_value REAL,
    currency TEXT,
    governing_law TEXT,
    liability_cap_amount REAL,
    liability_cap_description TEXT,
    parent_id TEXT,
    amends_id TEXT,
    tags TEXT NOT NULL,  -- JSON array
    updated_at TEXT NOT NULL,  -- ISO 8601, UTC
    source TEXT NOT NULL DEFAULT 'generated',  -- 'generated' | 'imported'
    source_file TEXT,  -- imported: the file name it came from
    derived_fields TEXT,  -- imported: JSON array of the fields guessed from the text
    -- The date an auto-renewing contract renews (end of its current term); NULL otherwise.
    renewal_date TEXT GENERATED ALWAYS AS (CASE WHEN auto_renew THEN expiration_date END) VIRTUAL,
    sort_effective TEXT GENERATED ALWAYS AS (coalesce(effective_date, '{FAR_FUTURE}')) VIRTUAL,
    sort_expiration TEXT GENERATED ALWAYS AS (coalesce(expiration_date, '{FAR_FUTURE}')) VIRTUAL,
    sort_renewal_notice TEXT GENERATED ALWAYS AS (coalesce(renewal_notice_date, '{FAR_FUTURE}')) VIRTUAL,
    sort_value REAL GENERATED ALWAYS AS (coalesce(total_value, -1.0)) VIRTUAL
);
CREATE INDEX contracts_sort_number ON contracts (number, id);
CREATE INDEX contracts_sort_effective ON contracts (sort_effective, id);
CREATE INDEX contracts_sort_expiration ON contracts (sort_expiration, id);
CREATE INDEX contracts_sort_renewal_notice ON contracts (sort_renewal_notice, id);
CREATE INDEX contracts_sort_value ON contracts (sort_value, id);
CREATE INDEX contracts_sort_updated ON contracts (updated_at, id);
CREATE INDEX contracts_by_counterparty ON contracts (counterparty_id, id);
-- our_entity last: a user's view restricted by our entity still counts a counterparty's contracts off the index.
CREATE INDEX contracts_by_counterparty_status ON contracts (counterparty_id, status, our_entity);
CREATE INDEX contracts_by_renewal ON contracts (renewal_date);
CREATE INDEX contracts_by_execution ON contracts (execution_date);
CREATE INDEX contracts_by_type ON contracts (type, status);
CREATE INDEX contracts_by_status ON contracts (status);
CREATE INDEX contracts_by_effective ON contracts (effective_date);
CREATE INDEX contracts_by_expiration ON contracts (expiration_date);
CREATE INDEX contracts_by_renewal_notice ON contracts (renewal_notice_date);
-- Covers the count of a renewal-notice window by status (and a user's view): no row is read to count it.
CREATE INDEX contracts_by_auto_renew ON contracts
    (auto_renew, renewal_notice_date, status, our_entity, counterparty_id);
CREATE INDEX contracts_by_parent ON contracts (parent_id);
CREATE INDEX contracts_by_amends ON contracts (amends_id);
-- The few imported records among many generated ones (a deadlines view counts them on its first page).
CREATE INDEX contracts_by_source ON contracts (source, status, id);

CREATE TABLE documents (
    contract_seq INTEGER PRIMARY KEY REFERENCES contracts (seq),
    body BLOB NOT NULL,  -- zlib-compressed UTF-8
    total_chars INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    has_text INTEGER NOT NULL,
    scanned INTEGER NOT NULL DEFAULT 0,  -- an imported PDF without a text layer
    source_mime_type TEXT  -- imported: the original file's type
);

CREATE TABLE sections (
    contract_seq INTEGER NOT NULL REFERENCES contracts (seq),
    start INTEGER NOT NULL,
    number TEXT NOT NULL,  -- "12.2"
    heading TEXT NOT NULL,
    end_ INTEGER NOT NULL,
    PRIMARY KEY (contract_seq, start, number)
) WITHOUT ROWID;

-- detail=full (positions): a quoted phrase in `q` is an FTS5 phrase query. It costs ~6x the index
-- of detail=none (~6 kB per contract) and ~0.15 ms per contract to build.
CREATE VIRTUAL TABLE contracts_fts USING fts5(
    title, counterparty, body, content='', detail=full, tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE obligations (
    id TEXT PRIMARY KEY,
    contract_seq INTEGER NOT NULL REFERENCES contracts (seq),
    category TEXT NOT NULL,
    party TEXT NOT NULL,
    description TEXT NOT NULL,
    due_date TEXT NOT NULL,
    recurrence TEXT,
    section TEXT
) WITHOUT ROWID;
-- contract_seq in both: a window's count tests the contract's status (an IN list of seqs) off the index alone.
CREATE INDEX obligations_by_due ON obligations (due_date, id, contract_seq);
CREATE INDEX obligations_by_contract ON obligations (contract_seq);
CREATE INDEX obligations_by_category ON obligations (category, due_date, contract_seq);

CREATE TABLE annotations (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    contract_id TEXT NOT NULL,
    body TEXT NOT NULL,
    target TEXT,  -- JSON AnnotationTarget
    author TEXT NOT NULL,
    author_type TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX annotations_by_contract ON annotations (contract_id, seq);

CREATE TABLE idempotency_keys (
    client_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,  -- sha256 of the request it first answered
    annotation_id TEXT NOT NULL,
    PRIMARY KEY (client_id, key)
) WITHOUT ROWID;
"""

# Rollups: counts and value sums per combination of the columns reports group and filter by most (and a user's
# view restricts by), so an aggregation over those columns alone reads partial sums instead of every contract.
# Two, each keyed in the order its GROUP BY streams: by counterparty (~13,000 rows at 100,000 contracts, its
# key led by counterparty and currency: grouped without a sort; no type, which would double it) and without
# counterparty (~800 rows: by type, status or currency, whatever the sort). Filled after the bulk insert, then
# kept exact by triggers on every write to `contracts` (insert, update, delete), as a CLM's materialised
# summary would be.
ROLLUPS: Final = {
    "contract_rollup": ("type", "status", "currency", "auto_renew", "our_entity"),
    "contract_rollup_cp": ("counterparty_id", "currency", "status", "auto_renew", "our_entity"),
}
_VALUES: Final = ("total_value", "annual_value")


def _rollup_of(row: str, column: str) -> str:
    return f"coalesce({row}.currency, '')" if column == "currency" else f"{row}.{column}"


def _rollup_ddl(table: str, key: tuple[str, ...]) -> str:
    columns = ", ".join(key)
    new = ", ".join(_rollup_of("NEW", c) for c in key)
    match = " AND ".join(f"{c} = {_rollup_of('OLD', c)}" for c in key)
    add = f"""
    INSERT INTO {table} ({columns}, n, tv, tvn, av, avn)
    VALUES ({new}, 1, coalesce(NEW.total_value, 0), NEW.total_value IS NOT NULL,
            coalesce(NEW.annual_value, 0), NEW.annual_value IS NOT NULL)
    ON CONFLICT DO UPDATE SET n = n + 1, tv = tv + excluded.tv, tvn = tvn + excluded.tvn,
        av = av + excluded.av, avn = avn + excluded.avn;"""  # noqa: S608 - our column names
    remove = f"""
    UPDATE {table} SET n = n - 1, tv = tv - coalesce(OLD.total_value, 0),
        tvn = tvn - (OLD.total_value IS NOT NULL), av = av - coalesce(OLD.annual_value, 0),
        avn = avn - (OLD.annual_value IS NOT NULL)
    WHERE {match};
    DELETE FROM {table} WHERE n = 0 AND {match};"""  # noqa: S608 - our column names
    # currency '' = none recorded: a key column cannot be NULL.
    definitions = ",\n    ".join(f"{c} {'INTEGER' if c == 'auto_renew' else 'TEXT'} NOT NULL" for c in key)
    grouped = ", ".join("coalesce(currency, '')" if c == "currency" else c for c in key)
    return f"""
CREATE TABLE {table} (
    {definitions},
    n INTEGER NOT NULL,  -- contracts
    tv REAL NOT NULL,  -- sum of total_value over the tvn contracts that have one
    tvn INTEGER NOT NULL,
    av REAL NOT NULL,  -- sum of annual_value over the avn contracts that have one
    avn INTEGER NOT NULL,
    PRIMARY KEY ({columns})
) WITHOUT ROWID;
INSERT INTO {table} ({columns}, n, tv, tvn, av, avn)
    SELECT {grouped}, count(*), coalesce(sum(total_value), 0), count(total_value),
        coalesce(sum(annual_value), 0), count(annual_value)
    FROM contracts GROUP BY {grouped};
CREATE TRIGGER {table}_insert AFTER INSERT ON contracts BEGIN {add}
END;
CREATE TRIGGER {table}_delete AFTER DELETE ON contracts BEGIN {remove}
END;
CREATE TRIGGER {table}_update AFTER UPDATE OF {", ".join([*key, *_VALUES])} ON contracts BEGIN {remove}
{add}
END;
"""  # noqa: S608 - our column names


ROLLUP_DDL: Final = "".join(_rollup_ddl(table, key) for table, key in ROLLUPS.items())

# Aggregation (GET /v1/contracts/aggregate) without a sort: one covering index per group key,
# led by the key and holding the currency, the values and every filterable column, so SQLite
# streams GROUP BY (key, currency) off the index and tests the filters there, never touching the
# wide contract rows. ~10x faster at 100,000 contracts; built after the bulk insert.
_AGG_COLUMNS: Final = (
    "currency", "total_value", "annual_value", "status", "type", "counterparty_id", "auto_renew", "effective_date",
    "expiration_date", "renewal_notice_date", "execution_date", "parent_id", "source", "our_entity",
)  # fmt: skip
AGG_KEYS: Final = {
    "type": "type",
    "status": "status",
    "counterparty": "counterparty_id",
    "currency": "currency",
    **{f"month_{d}": f"substr({d}, 1, 7)" for d in (
        "expiration_date", "renewal_notice_date", "renewal_date", "effective_date", "execution_date"
    )},
    # A calendar window (a date range) with any grouping: the range is read off the index, not the rows.
    # (renewal_date is virtual: its ranges are asked on expiration_date, see ContractFilters.where.)
    **{f"range_{d}": d for d in ("expiration_date", "renewal_notice_date", "effective_date")},
}  # fmt: skip
# A user's view (sandbox.store.access) restricts by our_entity and by counterparty: this index
# counts a restricted view's contracts without reading the rows (the aggregation indexes hold both).
AGG_DDL: Final = "\n".join(
    [
        *(
            f"CREATE INDEX IF NOT EXISTS contracts_agg_{name} ON contracts"
            f" ({', '.join([key, *(column for column in _AGG_COLUMNS if column != key)])});"
            for name, key in AGG_KEYS.items()
        ),
        "CREATE INDEX IF NOT EXISTS contracts_by_our_entity ON contracts (our_entity, counterparty_id, status);",
    ]
)
