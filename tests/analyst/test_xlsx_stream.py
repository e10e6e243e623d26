"""The XLSX export streams: its first bytes leave before its rows are read, any sheet can be
added to a workbook, and a selection larger than an Excel sheet is a 400 before anything is sent."""

import datetime
import io
import zipfile

import pytest
from openpyxl import load_workbook

from recommendations.analytics import exports, xlsx

from ..factories import RecommendationFactory


def test_the_first_bytes_leave_before_the_rows_are_read(monkeypatch):
    monkeypatch.setattr(xlsx, "PIECE_CHARS", 4096)  # 256 KB pieces in earnest: fewer rows suffice here
    read = 0
    total = 5000

    def rows():
        nonlocal read
        for number in range(total):
            read += 1
            yield [number, f"Tövsiyə {number}: şəffaflıq & hesabatlılıq", datetime.date(2024, 1, 1)]

    chunks = xlsx.workbook_chunks([xlsx.Sheet(name="rows", header=["id", "action", "on"], rows=rows())])
    first = next(chunks)
    assert first.startswith(b"PK")
    assert read == 0  # the fixed parts come first
    pieces = [first]
    while read == 0:
        pieces.append(next(chunks))
    # Compressed rows have left while most rows are still unread.
    assert read < total / 2
    body = b"".join(pieces) + b"".join(chunks)
    sheet = load_workbook(io.BytesIO(body), read_only=True)["rows"]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == total + 1
    assert values[1] == (0, "Tövsiyə 0: şəffaflıq & hesabatlılıq", datetime.datetime(2024, 1, 1))


def test_a_workbook_takes_any_number_of_sheets_each_with_its_own_cells():
    when = datetime.datetime(2025, 3, 14, 9, 26, 53, 589000)
    sheets = [
        xlsx.Sheet(
            name="progress",
            header=["id", "note", "at", "done", "url"],
            rows=[
                [1, "  başında boşluq", when, True, "https://example.org/?a=1&b=2"],
                [2, "=1+1", None, False, None],
                [3, "İçəri\x01 <b>\x1f\ufffe\t", when.date(), None, "https://example.org/\x02x\uffff"],
            ],
            link_column="url",
            autofilter=True,
            freeze_header=True,
        ),
        xlsx.Sheet(name="stats", header=["area", "count"], rows=iter([["Qanun", 2.5]])),
        xlsx.Sheet(name="O'Brien's", header=["x"], rows=[]),
    ]
    workbook = load_workbook(io.BytesIO(b"".join(xlsx.workbook_chunks(sheets))))
    assert workbook.sheetnames == ["progress", "stats", "O'Brien's"]
    progress = workbook["progress"]
    assert [[cell.value for cell in row] for row in progress.iter_rows()] == [
        ["id", "note", "at", "done", "url"],
        [1, "  başında boşluq", when, True, "https://example.org/?a=1&b=2"],
        [2, "=1+1", None, False, None],
        [3, "İçəri <b>\t", datetime.datetime(2025, 3, 14), None, "https://example.org/x"],
    ]
    assert progress["B3"].data_type == "s"  # text, never a formula
    assert progress["E2"].hyperlink.target == "https://example.org/?a=1&b=2"
    assert progress["E3"].hyperlink is None
    assert progress["E4"].hyperlink.target == "https://example.org/x"  # control characters dropped there too
    assert progress.auto_filter.ref == "A1:E4"
    assert progress.freeze_panes == "A2"
    assert sheets[0].rows_written == 3
    assert [list(row) for row in workbook["stats"].iter_rows(values_only=True)] == [["area", "count"], ["Qanun", 2.5]]
    # Every part of the zip is whole (sizes and checksums after each entry's data).
    assert (
        zipfile.ZipFile(io.BytesIO(b"".join(xlsx.workbook_chunks([xlsx.Sheet("a", ["x"], [[1]])])))).testzip() is None
    )


def test_more_rows_than_a_sheet_holds_stop_the_writer(monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 10)  # Excel's 1,048,576 would take a while
    sheet = xlsx.Sheet(name="rows", header=["n"], rows=([n] for n in range(10)))
    with pytest.raises(xlsx.TooManyRows):
        for _chunk in xlsx.workbook_chunks([sheet]):
            pass


def test_an_xlsx_export_larger_than_a_sheet_is_a_400_naming_format(db, api_client, monkeypatch):
    for _number in range(4):
        RecommendationFactory()
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)
    response = api_client.get("/api/v1/recommendations/export.xlsx")
    assert response.status_code == 400
    assert "CSV" in response.json()["format"][0]
    # The same selection is exported as CSV, and as XLSX where a sheet holds it.
    assert api_client.get("/api/v1/recommendations/export.csv").status_code == 200
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 4)
    response = api_client.get("/api/v1/recommendations/export.xlsx")
    assert response.status_code == 200
    assert response.streaming
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].iter_rows())
    assert len(rows) == 5
