"""Bring your own contracts, end to end: real contracts imported, then `clm__extract_obligations` on each.

    python bench/import_contracts.py --data ../shared/cuad-dev/full_contract_txt [--documents 21]

Takes the first N text files of DIR (e.g. CUAD's), converts them at run time in a temporary folder to PDF,
DOCX and TXT in turn, adds one PDF without a text layer (a scan), and imports the folder with
`python -m sandbox import` into a small demo database (nothing of the source is kept or
committed). Then serves that database on 127.0.0.1 and, through the plugin (`python server.py` over stdio,
pointed at it), calls `clm__extract_obligations` on every imported contract: time per document by format,
obligations and key terms found, and what the scan is reported as (by the import and by the tool).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.stdio_client import ROOT, StdioServer, child_environment, percentile, sandbox_settings_env
from sandbox.settings import SandboxSettings
from sandbox.testfiles import pdf_bytes, scanned_pdf_bytes, write_docx
from sandbox.testing import running_sandbox

DEMO_CONTRACTS = 40  # generated contracts beside the imported ones (a small demo database)
FORMATS = ("pdf", "docx", "txt")
SCAN = "scanned-signature-page.pdf"


def convert(sources: list[Path], folder: Path) -> dict[str, str]:
    """Write each source as PDF, DOCX or TXT in turn (and one scan); {file name: format}."""
    made: dict[str, str] = {}
    for index, source in enumerate(sources):
        text = source.read_text(encoding="utf-8", errors="replace")
        kind = FORMATS[index % len(FORMATS)]
        name = f"contract-{index:03d}.{kind}"
        if kind == "pdf":
            (folder / name).write_bytes(pdf_bytes(text))
        elif kind == "docx":
            lines = [line for line in text.splitlines() if line.strip()]
            write_docx(folder / name, lines[0][:200] if lines else name, lines[1:])
        else:
            (folder / name).write_text(text, encoding="utf-8")
        made[name] = kind
    (folder / SCAN).write_bytes(scanned_pdf_bytes())
    made[SCAN] = "scan"
    return made


def import_folder(db: Path, folder: Path) -> tuple[float, dict[str, str], str]:
    """`python -m sandbox import` as a user runs it; (seconds, {file name: contract id}, its report)."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "sandbox", "import", str(folder), "--db", str(db), "--contracts", str(DEMO_CONTRACTS)],
        cwd=ROOT,
        env=child_environment(),
        capture_output=True,
        text=True,
        timeout=1800,
        check=True,
    )
    ids: dict[str, str] = {}
    for line in done.stderr.splitlines():  # "sandbox: imported  imp_…  contract-000.pdf  …"
        words = line.split()
        if len(words) >= 4 and words[0] == "sandbox:" and words[1] in {"imported", "scanned"}:
            ids[words[3]] = words[2]
    return time.perf_counter() - started, ids, done.stderr


def call_each(
    url: str, ids: dict[str, str], state: Path, from_text: dict[str, list[str]]
) -> dict[str, tuple[float, dict[str, Any] | str, str]]:
    """{file name: (seconds, structured result or the error text, the text the model reads)}; `from_text` gets,
    per file, the record fields `clm__get_contract` says were read from the text at import."""
    env = sandbox_settings_env(url, state, deadline=120)
    server = StdioServer(["server.py"], env)
    out: dict[str, tuple[float, dict[str, Any] | str, str]] = {}
    try:
        server.initialize()
        for name, contract_id in sorted(ids.items()):
            started = time.perf_counter()
            reply = server.request("tools/call", {"name": "clm__extract_obligations", "arguments": {
                "contract_id": contract_id, "limit": 40}})  # fmt: skip
            elapsed = time.perf_counter() - started
            result = reply.get("result") or {}
            text = "".join(block.get("text", "") for block in result.get("content") or [])
            out[name] = (elapsed, text if result.get("isError") else result.get("structuredContent") or {}, text)
            record = server.request(
                "tools/call", {"name": "clm__get_contract", "arguments": {"contract_id": contract_id}}
            )
            from_text[name] = list(((record.get("result") or {}).get("structuredContent") or {}).get("from_text") or [])
    finally:
        server.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder of contracts as .txt files")
    parser.add_argument("--documents", type=int, default=21)
    args = parser.parse_args()
    sources = sorted(args.data.glob("*.txt"))[: args.documents]
    if len(sources) < args.documents:
        raise SystemExit(f"{args.data}: {len(sources)} text files, {args.documents} wanted")
    print(f"date {datetime.date.today().isoformat()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    workdir = Path(tempfile.mkdtemp(prefix="import-contracts-bench-"))
    try:
        folder = workdir / "files"
        folder.mkdir()
        formats = convert(sources, folder)
        db = workdir / "clm.db"
        seconds, ids, report = import_folder(db, folder)
        settings = SandboxSettings(contracts=DEMO_CONTRACTS, db=db)
        with running_sandbox(settings) as url:
            from_text: dict[str, list[str]] = {}
            results = call_each(url, ids, workdir / "state", from_text)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    scan_lines = [line.strip() for line in report.splitlines() if SCAN in line]
    print(f"imported {len(ids)} files ({len(sources)} real contracts + 1 scan) in {seconds:.1f} s")
    print(f"  the import says of the scan: {scan_lines[0] if scan_lines else 'NOTHING'}")
    print("\nclm__extract_obligations through the plugin, one call per imported contract (limit 40)")
    header = ("format", "docs", "p50 ms", "max ms", "obligations", "key terms", "errors")
    print("  {:<6} {:>4} {:>8} {:>8} {:>12} {:>10} {:>7}".format(*header))
    for kind in FORMATS:
        mine = [results[name] for name, k in formats.items() if k == kind and name in results]
        good = [data for _, data, _ in mine if isinstance(data, dict)]
        times = [elapsed * 1000 for elapsed, _, _ in mine]
        obligations = sum(int(data.get("total") or len(data.get("obligations") or [])) for data in good)
        facts = sum(len(data.get("facts") or []) for data in good)
        print(
            f"  {kind:<6} {len(mine):>4} {percentile(times, 0.5):8.0f} {max(times):8.0f} {obligations:>12}"
            f" {facts:>10} {len(mine) - len(good):>7}"
        )
    scan = results.get(SCAN)
    shown = "NOT IMPORTED" if scan is None else " ".join(scan[2].split())[:400]
    print(f"  the tool says of the scan: {shown}")
    real = [name for name in formats if name in from_text]
    counts: dict[str, int] = {}
    for name in real:
        for field in from_text[name]:
            counts[field] = counts.get(field, 0) + 1
    filled = ", ".join(f"{field} {n}/{len(real)}" for field, n in counts.items() if field not in {"title", "type"})
    print(f"  record fields read from the text (clm__get_contract `from_text`): {filled or 'none'}")
    missing = [name for name in formats if name not in ids]
    print(f"  files not imported: {missing or 'none'}")
    return 0 if not missing else 1


if __name__ == "__main__":
    sys.exit(main())
