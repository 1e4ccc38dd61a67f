"""Reading and writing the register's spreadsheets (CSV and XLSX), bounded: no service state, no database.

Files come from committee members' computers: CSV saved by Excel or WPS is often GBK (GB18030 is its
superset) or UTF-8 with a byte-order mark; an XLSX is a zip archive, so a small upload may unpack to
gigabytes (a zip bomb) and is checked before openpyxl opens it. Every failure is a `SheetError` with a
stable code the service turns into a 422.
"""

from __future__ import annotations

import csv
import io
import zipfile

from backend.core.spreadsheet import defuse

XLSX_MAGIC = b"PK\x03\x04"
MAX_COLUMNS = 30
# An XLSX of 20,000 short rows unpacks to a few MB; anything far beyond is not a register.
MAX_UNPACKED_BYTES = 60 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 200
MAX_COMPRESSION_RATIO = 200
MAX_CELL_CHARS = 1000

# Column -> the header words accepted for it (zh-CN first: it is what the export writes in Chinese).
COLUMNS = {
    "ref": ("居民编号", "ref", "编号"),
    "name": ("姓名", "name"),
    "building": ("楼栋", "building", "楼号"),
    "unit": ("单元", "unit"),
    "room": ("房号", "room", "门牌号"),
    "grid": ("网格", "grid"),
    "gender": ("性别", "gender"),
    "birth_date": ("出生日期", "birth_date", "birth date"),
    "phone": ("电话", "phone", "联系电话"),
    "relation": ("与户主关系", "relation"),
    "notes": ("备注", "notes"),
}
REQUIRED_COLUMNS = ("name", "building", "room")
HEADERS_EN = {
    "ref": "ref",
    "name": "name",
    "building": "building",
    "unit": "unit",
    "room": "room",
    "grid": "grid",
    "gender": "gender",
    "birth_date": "birth date",  # an accepted header, in words (the column key is not for people)
    "phone": "phone",
    "relation": "relation",
    "notes": "notes",
}


class SheetError(Exception):
    """The file cannot be read as a register: `code` names why, `params` fill the message."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def read_rows(data: bytes, *, max_rows: int) -> list[list[str]]:
    """The file's rows as lists of trimmed strings (header included), at most `max_rows` + 1 of them.

    :raises SheetError: empty, unreadable, bad encoding, too many rows, a zip bomb
    """
    if not data:
        raise SheetError("empty_file")
    rows = _read_xlsx(data, max_rows) if data.startswith(XLSX_MAGIC) else _read_csv(data, max_rows)
    rows = [row for row in rows if any(cell for cell in row)]
    if not rows:
        raise SheetError("empty_file")
    return rows


def _decode(data: bytes) -> str:
    """UTF-16 with its byte-order mark (Excel's "Unicode text"), UTF-8 (with or without one), else GB18030
    (which reads GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SheetError("bad_encoding") from None
    if b"\x00" in data[:4096]:  # a binary file that is not a spreadsheet
        raise SheetError("unreadable_file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SheetError("bad_encoding") from None


def _read_csv(data: bytes, max_rows: int) -> list[list[str]]:
    text = _decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append([_cell(value) for value in row[:MAX_COLUMNS]])
            if len(rows) > max_rows + 1:
                raise SheetError("too_many_rows", max=max_rows)
    except csv.Error:
        raise SheetError("unreadable_file") from None
    return rows


def _check_archive(data: bytes) -> None:
    """Refuse an archive that would unpack to far more than a register could be, before anything unpacks."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetError("unreadable_file") from None
    if len(members) > MAX_ARCHIVE_MEMBERS:
        raise SheetError("unreadable_file")
    unpacked = 0
    for member in members:
        unpacked += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if unpacked > MAX_UNPACKED_BYTES or (member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
            raise SheetError("file_too_large_unpacked")


def _read_xlsx(data: bytes, max_rows: int) -> list[list[str]]:
    _check_archive(data)
    import openpyxl  # imported when an XLSX arrives: most requests never need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (KeyError, InvalidFileException, XML errors) for bad files
        raise SheetError("unreadable_file") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise SheetError("empty_file")
        rows = []
        for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
            rows.append([_cell(value) for value in values])
            if len(rows) > max_rows + 1:
                raise SheetError("too_many_rows", max=max_rows)
        return rows
    except SheetError:
        raise
    except Exception:
        raise SheetError("unreadable_file") from None
    finally:
        workbook.close()


def _cell(value) -> str:
    """A cell as trimmed text; dates as YYYY-MM-DD, whole numbers without ".0" (Excel stores numbers as floats)."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # A cell an earlier export defused against formulas comes back as it was typed.
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text[: MAX_CELL_CHARS + 1]


def map_header(header: list[str]) -> dict[str, int]:
    """Column name -> index in the row, from the header's words (zh-CN or en, any case).

    :raises SheetError: a required column is missing
    """
    words = {word.lower(): column for column, names in COLUMNS.items() for word in names}
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        column = words.get(title.strip().lower().lstrip("\ufeff"))
        if column and column not in positions:
            positions[column] = index
    missing = [column for column in REQUIRED_COLUMNS if column not in positions]
    if missing:
        raise SheetError("missing_columns", columns=", ".join(COLUMNS[c][0] + "/" + COLUMNS[c][1] for c in missing))
    return positions


def header_titles(locale: str) -> list[str]:
    return [names[0] if locale == "zh-CN" else HEADERS_EN[column] for column, names in COLUMNS.items()]


def write_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark (so that Excel opens Chinese correctly), every cell defused."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([defuse(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(header: list[str], rows: list[list]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("residents")
    sheet.append(header)
    for row in rows:
        # Cells are written as text (never a formula), and defused as in the CSV for whoever re-saves as CSV.
        sheet.append([defuse(value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
