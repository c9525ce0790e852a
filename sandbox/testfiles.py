"""Small contract files written at run time, to test and measure `python -m sandbox import`.

`pdf_bytes` is a hand-made PDF (Helvetica, one text object per page) - enough for a text layer that
pypdf reads back - and `scanned_pdf_bytes` a page with only a drawing on it, as a scan without OCR
has only an image. No PDF library is needed to write them.
"""

from __future__ import annotations

from pathlib import Path

LINES_PER_PAGE = 50
_WRAP = 95  # characters per line on a Letter page at 10 pt


def _escape(line: str) -> str:
    latin = line.encode("latin-1", "replace").decode("latin-1")  # the standard fonts are single-byte
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _pdf(contents: list[str]) -> bytes:
    count = len(contents)
    font = 3 + 2 * count
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(count))
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {count} >>"]
    for i, content in enumerate(contents):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 {font} 0 R >> >>"
            f" /Contents {4 + 2 * i} 0 R >>"
        )
        data = content.encode("latin-1")
        objects.append(f"<< /Length {len(data)} >>\nstream\n{content}\nendstream")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _wrapped(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = paragraph.split()
        line = ""
        for word in words:
            if line and len(line) + 1 + len(word) > _WRAP:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def pdf_bytes(text: str) -> bytes:
    """A PDF whose text layer holds `text` (wrapped, paginated)."""
    lines = _wrapped(text)
    pages = [lines[i : i + LINES_PER_PAGE] for i in range(0, max(1, len(lines)), LINES_PER_PAGE)]
    contents = [
        "BT /F1 10 Tf 12 TL 54 740 Td " + " ".join(f"({_escape(line)}) '" for line in page) + " ET" for page in pages
    ]
    return _pdf(contents)


def scanned_pdf_bytes() -> bytes:
    """A one-page PDF with no text layer (a grey rectangle where a scan's image would be)."""
    return _pdf(["0.8 g 54 54 504 684 re f"])


def write_docx(path: Path, title: str, paragraphs: list[str]) -> Path:
    import docx  # python-docx

    document = docx.Document()
    document.add_heading(title, level=1)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path
