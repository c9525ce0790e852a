"""Bring your own contracts: PDF, DOCX and TXT files stored and served like generated ones.

Text comes from well-kept extractors (pypdf, python-docx). A PDF without a text layer is stored
as scanned: a record with no text, flagged, so it is listed and can be annotated but never quoted.
What the text states is filled in: the title (first heading, else the file name), the type (keywords
near the top), numbered section headings, and the key terms read from the text (`sandbox.text_terms`:
dates, term, renewal, notice period, payment terms, governing law; the current term's end and notice
deadline computed as of the business date). Every such field is listed in the record's
`derived_fields`, so a reader knows no person entered it. Nothing else is invented (no values, the
counterparty is "unknown").

An imported contract's id comes from its content (`imp_` + hash), so importing the same file
twice stores it once.

A folder is often one someone sent (an unpacked archive), so what is read from it is bounded: symbolic
links are never followed (a link to /proc/self/environ would make the server's environment a contract),
only regular files are read (never a device, a FIFO, /proc or /sys), a file over `MAX_IMPORT_FILE_BYTES`
is refused unread, a DOCX whose parts would unpack to over `MAX_DOCX_UNPACKED_BYTES` (or more than
`MAX_DOCX_RATIO` times their packed size) is refused before anything is unpacked, and text longer than
`MAX_IMPORT_TEXT_CHARS` (past what read_contract can reach) is refused. Every refusal is reported with its
reason, like an unsupported file.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import os
import re
import sqlite3
import stat
import sys
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Final

from sandbox.api_models import OTHER_TYPE, AnyContractType, ContractStatus, ContractType
from sandbox.corpus.models import ContractRecord
from sandbox.store.build import ZLIB_LEVEL, RenderedDocument, SectionRow, insert_contract
from sandbox.store.text import fold

MIME_TYPES: Final = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".txt": "text/plain",
}
IMPORTED_COUNTERPARTY: Final = ("cp_imported", "Unknown counterparty (imported)", "ZZ")  # ZZ: unknown region
MAX_TITLE_CHARS: Final = 160
MAX_IMPORT_FILE_BYTES: Final = 50 * 1024 * 1024  # a long contract as a PDF with images is a few MB
# read_contract's largest `offset` (tools.read_contract): text past it could be stored but never read.
MAX_IMPORT_TEXT_CHARS: Final = 50_000_000
MAX_DOCX_UNPACKED_BYTES: Final = 100 * 1024 * 1024  # all parts of the package together, unpacked
MAX_DOCX_RATIO: Final = 100  # unpacked / packed, per part: Word's XML packs about 5-20 times
_DOCX_RATIO_FLOOR: Final = 1024 * 1024  # parts smaller than this unpacked are not held to the ratio
# Never read, even when named directly: they are not files a person wrote (a process's environment, devices).
_SPECIAL_ROOTS: Final = (Path("/proc"), Path("/sys"), Path("/dev"))

# Type keywords, most specific first, looked for in the title and then the top of the text.
_TYPE_KEYWORDS: Final[tuple[tuple[ContractType, re.Pattern[str]], ...]] = (
    (ContractType.AMENDMENT, re.compile(r"\bamendment\b|\baddendum\b")),
    (ContractType.DPA, re.compile(r"data processing (agreement|addendum)")),
    (ContractType.NDA, re.compile(r"non-?disclosure|confidentiality agreement|\bnda\b")),
    (ContractType.SOW, re.compile(r"statement of work|\bsow\b")),
    (ContractType.ORDER_FORM, re.compile(r"order form")),
    (ContractType.MSA, re.compile(r"master (services?|subscription) agreement|services agreement")),
    (ContractType.LICENSE, re.compile(r"licen[cs]e agreement|\blicen[cs]e\b")),
    (ContractType.SUPPLY, re.compile(r"supply agreement|distribut(ion|or) agreement|manufactur")),
)
# "12.2 Termination", "ARTICLE IV  PAYMENT", "Section 3. Fees": a number, then a short heading line.
_HEADING: Final = re.compile(
    r"^[ \t]*(?:(?:article|section)[ \t]+)?(?P<number>\d{1,3}(?:\.\d{1,3}){0,3}|[IVXLC]{1,6})\.?[ \t]+"
    r"(?P<heading>[A-Z][^\n]{1,80}?)[ \t]*\.?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)


class ImportError_(Exception):
    """A file that could not be read."""


@dataclass(frozen=True)
class Extracted:
    text: str
    mime_type: str
    scanned: bool


@dataclass(frozen=True)
class ImportResult:
    path: Path
    contract_id: str | None  # None: not imported (see error)
    chars: int = 0
    scanned: bool = False
    title: str = ""
    type: AnyContractType | None = None
    already: bool = False  # the same content was imported before: nothing new stored
    error: str | None = None
    seconds: float = 0.0


def _refusal(path: Path) -> str | None:
    """Why `path` is not read (a link, not a regular file, a special file system), or None; not followed."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"cannot be read ({exc.strerror or type(exc).__name__})"
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link: not followed"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (a device, FIFO or socket)"
    if info.st_size > MAX_IMPORT_FILE_BYTES:
        return f"{info.st_size:,} bytes: over the {MAX_IMPORT_FILE_BYTES // 1_048_576} MB import limit"
    return None


def _special(path: Path) -> bool:
    return any(path == root or root in path.parents for root in _SPECIAL_ROOTS)


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(supported files, [(skipped file, why)]) under `paths` (files or folders, folders recursively), sorted.

    No symbolic link to a file is followed, not even one named directly (a link inside a folder someone sent
    may be named as easily as the folder), nor one to a folder inside a folder: each is skipped and reported.
    A folder named directly may be a link (the person chose that folder); nothing under /proc, /sys or /dev is
    read.
    """
    found: list[Path] = []
    skipped: list[tuple[Path, str]] = []

    def consider(path: Path, why: str | None) -> None:
        if why is None and path.suffix.lower() not in MIME_TYPES:
            why = "unsupported file type"
        if why is None:
            found.append(path)
        else:
            skipped.append((path, why))

    for path in paths:
        target = path.resolve()
        if _special(target):
            skipped.append((path, "a special file system (/proc, /sys, /dev): never read"))
        elif not target.is_dir():
            consider(path, _refusal(path))
        else:
            for folder, subfolders, names in os.walk(path, followlinks=False):
                base = Path(folder)
                kept = []
                for name in sorted(subfolders):
                    if (base / name).is_symlink():
                        skipped.append((base / name, "a symbolic link to a folder: not followed"))
                    elif not name.startswith("."):
                        kept.append(name)
                subfolders[:] = kept
                for name in sorted(names):
                    if not name.startswith("."):
                        consider(base / name, _refusal(base / name))
    return sorted(found), sorted(skipped)


def read_limited(path: Path) -> bytes:
    """The bytes of the regular file `path`, at most `MAX_IMPORT_FILE_BYTES`; checked on the open file, so a file
    swapped for a link or a FIFO since `discover` looked at it is refused too."""
    if _special(path.resolve()):
        raise ImportError_(f"{path.name}: a special file system (/proc, /sys, /dev): never read")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ImportError_(f"cannot read {path.name}: {exc.strerror or type(exc).__name__}") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ImportError_(f"{path.name}: not a regular file (a device, FIFO or socket)")
        data = handle.read(MAX_IMPORT_FILE_BYTES + 1)
    if len(data) > MAX_IMPORT_FILE_BYTES:
        raise ImportError_(f"{path.name}: over the {MAX_IMPORT_FILE_BYTES // 1_048_576} MB import limit")
    return data


def check_docx_package(data: bytes, name: str) -> None:
    """Refuse a DOCX that would unpack to too much (a zip bomb), before anything is unpacked: from the sizes its
    directory declares, then by unpacking each part into a counter, which a lying directory cannot pass."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportError_(f"cannot read {name}: not a DOCX (ZIP) package") from None
    with package:
        members = package.infolist()
        declared = sum(member.file_size for member in members)
        limit_mb = MAX_DOCX_UNPACKED_BYTES // 1_048_576
        if declared > MAX_DOCX_UNPACKED_BYTES:
            raise ImportError_(f"{name}: unpacks to {declared:,} bytes, over the {limit_mb} MB limit for a DOCX")
        for member in members:
            if member.file_size > _DOCX_RATIO_FLOOR and member.file_size > MAX_DOCX_RATIO * max(
                member.compress_size, 1
            ):
                ratio = member.file_size // max(member.compress_size, 1)
                raise ImportError_(
                    f"{name}: part {member.filename[:60]!r} unpacks to {ratio:,} times its packed size (limit "
                    f"{MAX_DOCX_RATIO}): refused as a possible zip bomb"
                )
        total = 0
        for member in members:
            with package.open(member) as part:
                while chunk := part.read(1024 * 1024):
                    total += len(chunk)
                    if total > MAX_DOCX_UNPACKED_BYTES:
                        raise ImportError_(f"{name}: unpacks to over the {limit_mb} MB limit for a DOCX")


def extract(path: Path, data: bytes | None = None) -> Extracted:
    """The text of `path`, from `data` (its bytes as read by `read_limited`) when given."""
    suffix = path.suffix.lower()
    if data is None:
        data = read_limited(path)
    try:
        if suffix == ".pdf":
            text = _pdf_text(data)
            extracted = Extracted(text=text, mime_type=MIME_TYPES[suffix], scanned=not text.strip())
        elif suffix == ".docx":
            check_docx_package(data, path.name)
            extracted = Extracted(text=_docx_text(data), mime_type=MIME_TYPES[suffix], scanned=False)
        elif suffix == ".txt":
            extracted = Extracted(text=_plain_text(data), mime_type=MIME_TYPES[suffix], scanned=False)
        else:
            raise ImportError_(f"unsupported file type {suffix or '(none)'}: {path.name}")
    except ImportError_:
        raise
    except Exception as exc:  # a broken file is reported, it does not stop the other files
        raise ImportError_(f"cannot read {path.name}: {type(exc).__name__}: {str(exc)[:200]}") from exc
    if len(extracted.text) > MAX_IMPORT_TEXT_CHARS:
        raise ImportError_(
            f"{path.name}: {len(extracted.text):,} characters of text, over the {MAX_IMPORT_TEXT_CHARS:,} a "
            "contract can be read to"
        )
    return extracted


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader  # imported on first use: serving needs none of the extractors

    reader = PdfReader(io.BytesIO(data))
    return _clean("\n\n".join((page.extract_text() or "").strip("\n") for page in reader.pages))


def _docx_text(data: bytes) -> str:
    import docx  # python-docx

    document = docx.Document(io.BytesIO(data))
    blocks = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:  # tables come after the body text: python-docx lists them apart
        for row in table.rows:
            blocks.append("\t".join(cell.text for cell in row.cells))
    return _clean("\n".join(blocks))


def _plain_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return _clean(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    return _clean(data.decode("latin-1"))


def derive_title(text: str, path: Path) -> str:
    """The first line that reads as a title, else the file name."""
    for line in text.split("\n")[:40]:
        line = " ".join(line.split())
        if 4 <= len(line) <= MAX_TITLE_CHARS and sum(ch.isalpha() for ch in line) >= 4:
            return line
    return " ".join(re.sub(r"[_\-]+", " ", path.stem).split())[:MAX_TITLE_CHARS] or path.name


def derive_type(title: str, text: str) -> AnyContractType:
    for haystack in (fold(title), fold(text[:3000])):
        for ctype, pattern in _TYPE_KEYWORDS:
            if pattern.search(haystack):
                return ctype
    return OTHER_TYPE


def derive_sections(text: str) -> tuple[SectionRow, ...]:
    """Numbered headings ("12.2 Termination"); a section runs to the next heading of its depth or above."""
    found = [(m.start(), m.group("number"), m.group("heading").strip()) for m in _HEADING.finditer(text)]
    rows: list[SectionRow] = []
    for index, (start, number, heading) in enumerate(found):
        depth = number.count(".")
        end = len(text)
        for later_start, later_number, _ in found[index + 1 :]:
            if later_number.count(".") <= depth:
                end = later_start
                break
        rows.append(SectionRow(number=number, heading=heading, start=start, end=end))
    return tuple(rows)


def _ensure_counterparty(conn: sqlite3.Connection) -> None:
    cp_id, name, country = IMPORTED_COUNTERPARTY
    conn.execute(
        "INSERT OR IGNORE INTO counterparties (id, name, name_folded, country) VALUES (?, ?, ?, ?)",
        (cp_id, name, fold(name), country),
    )


def import_one(conn: sqlite3.Connection, path: Path, as_of: date) -> ImportResult:
    """Extract and store one file (inside the caller's write transaction); a file stored before is skipped."""
    raw = read_limited(path)
    digest = hashlib.sha256(raw).hexdigest()
    contract_id = f"imp_{digest[:16]}"
    existing = conn.execute(
        "SELECT c.title, c.type, d.total_chars, d.scanned FROM contracts AS c"
        " JOIN documents AS d ON d.contract_seq = c.seq WHERE c.id = ?",
        (contract_id,),
    ).fetchone()
    if existing is not None:
        title, stored_type, chars, scanned = existing
        ctype: AnyContractType = OTHER_TYPE if stored_type == OTHER_TYPE else ContractType(stored_type)
        return ImportResult(path, contract_id, chars, bool(scanned), title, ctype, already=True)
    extracted = extract(path, raw)
    text = extracted.text
    title = derive_title(text, path)
    ctype = derive_type(title, text)
    from sandbox.text_terms import derive_terms  # imports `analysis` (~110 ms): only when a file is imported

    stated = derive_terms(text, as_of)
    result = ImportResult(
        path=path, contract_id=contract_id, chars=len(text), scanned=extracted.scanned, title=title, type=ctype
    )
    _ensure_counterparty(conn)
    modified = datetime.fromtimestamp(path.lstat().st_mtime, UTC)
    record = ContractRecord(
        id=contract_id,
        number=f"IMP-{digest[:10].upper()}",
        title=title,
        type=ctype if isinstance(ctype, ContractType) else ContractType.MSA,  # "Other" is set by `extra` below
        # Taken to be in force unless its text says a term that does not renew has ended.
        status=ContractStatus.EXPIRED if stated.ended else ContractStatus.ACTIVE,
        counterparty_id=IMPORTED_COUNTERPARTY[0],
        our_entity="Unknown (imported)",
        owner_name="",
        owner_email="",
        effective_date=stated.effective_date,
        execution_date=stated.execution_date,
        expiration_date=stated.expiration_date,
        initial_term_months=stated.initial_term_months,
        auto_renew=bool(stated.auto_renew),
        renewal_term_months=stated.renewal_term_months,
        renewal_notice_days=stated.renewal_notice_days,
        renewal_notice_date=stated.renewal_notice_date,
        termination_for_convenience=False,
        convenience_party=None,
        convenience_notice_days=None,
        cure_days=None,
        payment_terms_days=stated.payment_terms_days,
        total_value=None,
        annual_value=None,
        currency=None,
        governing_law=stated.governing_law,
        liability_cap_amount=None,
        liability_cap_description=None,
        parent_id=None,
        amends_id=None,
        tags=["imported", "scanned"] if extracted.scanned else ["imported"],
        updated_at=modified,
    )
    encoded = text.encode("utf-8")
    document = RenderedDocument(
        body=zlib.compress(encoded, ZLIB_LEVEL),
        total_chars=len(text),
        sha256=hashlib.sha256(encoded).hexdigest(),
        has_text=bool(text),
        obligations=(),
        sections=derive_sections(text),
        scanned=extracted.scanned,
        source_mime_type=extracted.mime_type,
    )
    derived = ["title", "type", *(["sections"] if document.sections else []), *stated.fields]
    insert_contract(
        conn,
        record,
        IMPORTED_COUNTERPARTY[1],
        document,
        extra={
            "type": str(ctype),
            "source": "imported",
            "source_file": path.name,
            "derived_fields": json.dumps(derived),
        },
    )
    return result


def import_files(
    conn: sqlite3.Connection,
    paths: Sequence[Path],
    as_of: date,
    on_result: Callable[[ImportResult], None] | None = None,
) -> list[ImportResult]:
    """Import every supported file under `paths` into the open database (one transaction per file); `as_of`:
    the business date the current term and notice deadline are computed for."""
    files, skipped = discover(paths)
    # Without a caller to report to (a server importing at start-up), refusals still go to stderr.
    report = on_result or _report_refusal
    results: list[ImportResult] = [ImportResult(path=p, contract_id=None, error=why) for p, why in skipped]
    for result in results:
        report(result)
    for path in files:
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = import_one(conn, path, as_of)
        except ImportError_ as exc:
            conn.execute("ROLLBACK")
            result = ImportResult(path=path, contract_id=None, error=str(exc))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")
        result = replace(result, seconds=time.perf_counter() - started)
        results.append(result)
        report(result)
    return results


def _report_refusal(result: ImportResult) -> None:
    if result.error is not None:
        sys.stderr.write(f"sandbox: skipped   {result.path}: {result.error}\n")


def import_digest(paths: Sequence[Path]) -> str:
    """A key for what `paths` hold now (names, sizes, modification times) and for the code that reads them (this
    module and `analysis`): cached builds follow changes to either."""
    files, _ = discover(paths)
    digest = hashlib.sha256()
    spec = importlib.util.find_spec("analysis")  # located, not imported: a serving start never needs it
    analysis_dir = Path(spec.origin).parent if spec is not None and spec.origin else None
    readers = [Path(__file__).with_name("text_terms.py"), *sorted(analysis_dir.rglob("*.py") if analysis_dir else [])]
    for source in (Path(__file__), *readers):
        digest.update(source.read_bytes())
    for path in files:
        info = path.stat()
        digest.update(f"{path.resolve()}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def import_into(
    db: Path, paths: Sequence[Path], as_of: date, on_result: Callable[[ImportResult], None] | None = None
) -> list[ImportResult]:
    """Import into the sandbox database file `db` (which may be served meanwhile: WAL)."""
    conn = sqlite3.connect(db, isolation_level=None, timeout=30)
    try:
        return import_files(conn, paths, as_of, on_result)
    finally:
        conn.close()
