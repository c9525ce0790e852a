"""Importing a folder someone sent: no symbolic link is followed, no special file read, and nothing too large is
unpacked or stored; each refusal is reported with its reason."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

import sandbox.importing as importing
from sandbox.importing import MAX_IMPORT_FILE_BYTES, discover, import_files
from sandbox.settings import DEMO_AS_OF, SandboxSettings
from sandbox.store.database import open_database
from sandbox.testfiles import write_docx
from tests.test_stdio import by_id, calls, run_session
from tools.read_contract import ReadContractInput

SECRET_NAME = "CLM_TEST_LEAK_CANARY"
SECRET_VALUE = "canary-9f1c2e7b-should-never-be-served"


def _folder_with_links(root: Path) -> Path:
    folder = root / "sent"
    (folder / "inner").mkdir(parents=True)
    (folder / "supply.txt").write_text("Quillfeather Supply Agreement\n\n1. Supply\nGoods monthly.\n", encoding="utf-8")
    outside = root / "outside.txt"
    outside.write_text(f"Private Agreement\n{SECRET_VALUE}\n", encoding="utf-8")
    (folder / "contract.txt").symlink_to("/proc/self/environ")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    (folder / "relative.txt").symlink_to("../outside.txt")
    (folder / "inner" / "up").symlink_to(root)  # a folder link: not walked
    os.mkfifo(folder / "pipe.txt")  # reading it would block the import forever
    return folder


def test_the_demo_import_never_serves_the_server_environment_or_files_outside(tmp_path: Path) -> None:
    folder = _folder_with_links(tmp_path)
    env = {
        "CLM_DEMO_SIZE": "20",
        "CLM_DEMO_IMPORT": str(folder),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        SECRET_NAME: SECRET_VALUE,
    }
    steps = [
        ("clm__search_contracts", {"query": SECRET_NAME, "limit": 5}),
        ("clm__search_contracts", {"query": SECRET_VALUE, "limit": 5}),
        ("clm__search_contracts", {"query": "root:x:0:0", "limit": 5}),
        ("clm__search_contracts", {"query": "Quillfeather", "limit": 5}),
    ]
    messages, stderr = run_session(calls(*steps), env)
    replies = [by_id(messages)[10 + i]["result"] for i in range(len(steps))]
    for reply in replies[:3]:
        assert reply["structuredContent"]["contracts"] == [], reply["structuredContent"]
    assert [c["title"] for c in replies[3]["structuredContent"]["contracts"]] == ["Quillfeather Supply Agreement"]
    assert SECRET_VALUE not in json.dumps(messages)
    for name in ("contract.txt", "passwd.txt", "relative.txt", "pipe.txt"):
        assert any(name in line and "skipped" in line for line in stderr.splitlines()), (name, stderr)


def test_every_refusal_is_reported_with_its_reason(tmp_path: Path) -> None:
    folder = _folder_with_links(tmp_path)
    found, skipped = discover([folder, folder / "passwd.txt", Path("/proc/self/environ")])
    assert found == [folder / "supply.txt"]
    reasons = {path.name: why for path, why in skipped}
    assert reasons["contract.txt"] == reasons["relative.txt"] == "a symbolic link: not followed"
    assert reasons["up"] == "a symbolic link to a folder: not followed"
    assert "not a regular file" in reasons["pipe.txt"]
    assert "special file system" in reasons["environ"]


def _db(tmp_path: Path) -> sqlite3.Connection:
    settings = SandboxSettings(contracts=10, seed=3, as_of=DEMO_AS_OF, db=tmp_path / "clm.db")
    open_database(settings.db, settings.corpus).close()
    return sqlite3.connect(tmp_path / "clm.db", isolation_level=None)


def _bomb(path: Path, unpacked_mb: int) -> None:
    """A DOCX with a part that unpacks to `unpacked_mb` MB (of one repeated character: packs ~1000 to 1)."""
    write_docx(path, "Bomb Agreement", ["1. Term", "One year."])
    chunk = b"<" * (1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as package,
        package.open("word/padding.xml", "w") as part,
    ):
        for _ in range(unpacked_mb):
            part.write(chunk)


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _bomb(folder / "bomb.docx", 300)
    assert (folder / "bomb.docx").stat().st_size < 2 * 1024 * 1024
    conn = _db(tmp_path)
    [result] = import_files(conn, [folder], DEMO_AS_OF)
    assert result.contract_id is None and result.error is not None
    assert "over the 100 MB limit for a DOCX" in result.error, result.error


def test_a_docx_that_packs_too_well_is_refused(tmp_path: Path) -> None:
    _bomb(tmp_path / "dense.docx", 20)  # under the total, but 1000 times its packed size
    [result] = import_files(_db(tmp_path), [tmp_path / "dense.docx"], DEMO_AS_OF)
    assert result.error is not None and "zip bomb" in result.error, result.error


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.write(b"Master Services Agreement\n")
        handle.truncate(MAX_IMPORT_FILE_BYTES + 1)  # sparse: no time or disk spent writing it
    [result] = import_files(_db(tmp_path), [huge], DEMO_AS_OF)
    assert result.error is not None and "over the 50 MB import limit" in result.error, result.error


def test_text_past_what_read_contract_can_reach_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The limit is read_contract's largest offset: text beyond it could be stored but never read.
    offset = ReadContractInput.model_fields["offset"]
    assert any(getattr(m, "le", None) == importing.MAX_IMPORT_TEXT_CHARS for m in offset.metadata)
    monkeypatch.setattr(importing, "MAX_IMPORT_TEXT_CHARS", 1000)
    long = tmp_path / "long.txt"
    long.write_text("Master Services Agreement\n" + "The Supplier shall perform.\n" * 100, encoding="utf-8")
    [result] = import_files(_db(tmp_path), [long], DEMO_AS_OF)
    assert result.error is not None and "over the 1,000 a contract can be read to" in result.error, result.error
