"""Bring your own contracts: `python -m sandbox import` and SANDBOX_IMPORT, PDF/DOCX/TXT, scanned PDFs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sandbox.settings import DEMO_AS_OF, SandboxSettings
from sandbox.testfiles import pdf_bytes, scanned_pdf_bytes, write_docx
from sandbox.testing import running_sandbox
from tests.sandbox.helpers import Api

REPO = Path(__file__).resolve().parents[2]
MSA_TEXT = """MASTER SERVICES AGREEMENT

1. Definitions
Capitalised terms have the meanings given in this Section 1.

2. Fees and Payment
Customer shall pay each invoice within thirty (30) days of receipt.

3. Limitation of Liability
In no event shall either party's aggregate liability exceed the fees paid in the twelve months before the claim."""
TXT_TEXT = (
    "Software Licence Agreement\n\n1. Grant\nLicensor grants Licensee a non-exclusive licence.\n\n"
    "2. Café Fees\nLicensee pays an annual fee of €10,000.\n"
)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mine")
    (folder / "acme-msa.pdf").write_bytes(pdf_bytes(MSA_TEXT))
    (folder / "signed-scan.pdf").write_bytes(scanned_pdf_bytes())
    nested = folder / "nda"
    nested.mkdir()
    write_docx(
        nested / "mutual_nda.docx",
        "Mutual Non-Disclosure Agreement",
        ["1. Purpose", "The parties wish to exchange Confidential Information.", "2. Term", "Two (2) years."],
    )
    (folder / "licence.txt").write_bytes(TXT_TEXT.encode("cp1252"))  # not UTF-8: a Windows export
    (folder / "notes.xlsx").write_bytes(b"PK\x03\x04 not a contract")
    return folder


def run_import(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "sandbox", "import", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def imported_db(files: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db = tmp_path_factory.mktemp("db") / "mine.db"
    done = run_import("--db", str(db), "--contracts", "40", "--as-of", DEMO_AS_OF.isoformat(), str(files))
    assert done.returncode == 0, done.stderr
    return db, done.stderr


def test_the_command_line_reports_each_file(imported_db: tuple[Path, str]) -> None:
    _, stderr = imported_db
    lines = [line for line in stderr.splitlines() if "sandbox: " in line]
    assert any("scanned " in line and "signed-scan.pdf" in line and "no text layer" in line for line in lines)
    for name in ("acme-msa.pdf", "mutual_nda.docx", "licence.txt"):
        assert any("imported" in line and name in line for line in lines), (name, stderr)
    assert any("skipped" in line and "notes.xlsx" in line for line in lines)
    assert "4 contracts (1 scanned, 0 already there), 1 skipped" in stderr
    assert f"python -m sandbox --db {imported_db[0]}" in stderr


def test_imported_contracts_are_served_like_generated_ones(imported_db: tuple[Path, str]) -> None:
    db, _ = imported_db
    with running_sandbox(SandboxSettings(contracts=40, as_of=DEMO_AS_OF, db=db)) as url:
        api = Api(url)
        rows = api.walk("/v1/contracts", {"source": "imported"})
        by_file = {api.ok(f"/v1/contracts/{r['id']}")["source_file"]: r for r in rows}
        assert set(by_file) == {"acme-msa.pdf", "signed-scan.pdf", "mutual_nda.docx", "licence.txt"}
        assert api.ok("/v1/meta")["contracts"] == 44

        msa = api.ok(f"/v1/contracts/{by_file['acme-msa.pdf']['id']}")
        assert (msa["title"], msa["type"], msa["source"]) == ("MASTER SERVICES AGREEMENT", "MSA", "imported")
        # The key terms the text states come with it (sandbox.text_terms); here only the payment terms.
        assert msa["derived_fields"] == ["title", "type", "sections", "payment_terms_days"]
        assert msa["payment_terms_days"] == 30 and msa["effective_date"] is None
        assert msa["document"]["source_mime_type"] == "application/pdf" and msa["document"]["scanned"] is False
        text = api.ok(f"/v1/contracts/{msa['id']}/document")["text"]
        assert "aggregate liability exceed the fees paid" in " ".join(text.split())
        sections = api.ok(f"/v1/contracts/{msa['id']}/document/sections")["sections"]
        assert [(s["number"], s["heading"]) for s in sections] == [
            ("1", "Definitions"),
            ("2", "Fees and Payment"),
            ("3", "Limitation of Liability"),
        ]

        hits = api.walk("/v1/contracts", {"q": '"limitation of liability"', "source": "imported"})
        assert [h["id"] for h in hits] == [msa["id"]]
        assert hits[0]["match"]["section"] == {"number": "3", "heading": "Limitation of Liability"}

        nda = api.ok(f"/v1/contracts/{by_file['mutual_nda.docx']['id']}")
        assert (nda["title"], nda["type"]) == ("Mutual Non-Disclosure Agreement", "NDA")

        licence = api.ok(f"/v1/contracts/{by_file['licence.txt']['id']}")
        assert licence["type"] == "License"
        assert api.ok(f"/v1/contracts/{licence['id']}/document")["text"] == TXT_TEXT.strip("\n")

        scan = api.ok(f"/v1/contracts/{by_file['signed-scan.pdf']['id']}")
        assert scan["document"]["scanned"] is True and scan["document"]["has_text"] is False
        assert scan["title"] == "signed scan" and scan["type"] == "Other" and "scanned" in scan["tags"]
        assert scan["counterparty"]["name"] == "Unknown counterparty (imported)"
        assert api.ok("/v1/contracts/aggregate", {"group_by": "type", "source": "imported"})["total"] == 4
        api.close()


def test_importing_again_stores_nothing_new(files: Path, imported_db: tuple[Path, str]) -> None:
    db, _ = imported_db
    again = run_import("--db", str(db), "--contracts", "40", "--as-of", DEMO_AS_OF.isoformat(), str(files))
    assert again.returncode == 0 and "4 contracts (1 scanned, 4 already there)" in again.stderr, again.stderr


def test_the_embedded_default_can_include_imports(files: Path, tmp_path: Path) -> None:
    settings = SandboxSettings(contracts=40, as_of=DEMO_AS_OF, cache_dir=tmp_path, import_paths=[files])
    assert SandboxSettings.model_validate(
        {"contracts": 40, "sandbox_import": os.pathsep.join([str(files), str(tmp_path)])}
    ).import_paths == [files, tmp_path], "SANDBOX_IMPORT holds paths separated by os.pathsep"
    for _ in range(2):  # the second start reuses the cached build
        with running_sandbox(settings) as url:
            api = Api(url)
            assert api.ok("/v1/contracts", {"source": "imported", "limit": 1})["total"] == 4
            assert api.ok("/v1/contracts", {"source": "generated", "limit": 1})["total"] == 40
            api.close()
    assert len(list(tmp_path.glob("*-imp*.db"))) == 1


def test_nothing_to_import_fails(tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(b"x")
    done = run_import("--db", str(tmp_path / "x.db"), "--contracts", "40", str(tmp_path))
    assert done.returncode == 1 and "0 contracts" in done.stderr
    missing = run_import(str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
