"""The UPR thematic list as a Word document laid out as OHCHR's (python-docx): landscape, one
table whose header row repeats on every page, a merged "Theme: …" row before each theme's
recommendations, and per recommendation the cells the list prints — with the last column,
"Assessment/comments on level of implementation", filled from the tracker.

The columns are declared once (`COLUMNS`): the header row, the widths and what each cell of a
recommendation says are all read from it. In English the document reads back through the UPR
importer as the list it came from (the same numbers, States, positions, themes, SDGs, groups).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Length, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from . import texts
from .matrix_content import Matrix, MatrixRow
from .word import (
    LABEL_STYLE,
    OTHER_LANGUAGE_STYLE,
    evidence_write,
    language_set,
    language_tag,
    page_number_add,
    paragraph_add,
    repeat_as_header,
    run_add,
    saved,
    style_id,
    styles_prepare,
)

CELL_STYLE = "Matrix Cell"
HEADING_STYLE = "Matrix Heading"
THEME_STYLE = "Matrix Theme"
# OHCHR's shades: the header row grey, the theme rows light blue.
HEADER_SHADE = "D9D9D9"
THEME_SHADE = "DBE5F1"


class CellWriter:
    """Adds paragraphs to one cell of the list: first the one a new cell holds, then new ones
    appended at its end (these cells hold paragraphs only, so python-docx's schema-ordered
    insert, a scan per paragraph, is not needed: it was most of the time of a 215-row list)."""

    def __init__(self, cell: _Cell, styles) -> None:
        self.cell, self.styles = cell, styles
        self.fresh = True

    def paragraph(self, style: str = CELL_STYLE) -> Paragraph:
        if self.fresh:
            element, self.fresh = self.cell._tc.p_lst[0], False
        else:
            element = OxmlElement("w:p")
            self.cell._tc.append(element)
        paragraph = Paragraph(element, self.cell)
        paragraph._p.style = style_id(self.styles, style)
        return paragraph


@dataclass(frozen=True)
class Column:
    heading: Promise
    width: Length
    write: Callable[[CellWriter, MatrixRow, Matrix], None]


def _write_recommendation(out: CellWriter, row: MatrixRow, matrix: Matrix) -> None:
    paragraph = out.paragraph()
    if row.number:
        paragraph.add_run(f"{row.number} ")
    text = paragraph.add_run(row.action.text)
    if row.action.fallback:
        language_set(text._r, language_tag(row.action.language))
    if row.states:
        paragraph.add_run(f" ({', '.join(row.states)})")
    paragraph.add_run(";")
    if row.action.fallback:
        run_add(paragraph, f" {texts.only_in(row.action.language_name)}", OTHER_LANGUAGE_STYLE)
    if row.position_source:
        source = out.paragraph()
        run_add(source, _("Source of position:"), LABEL_STYLE)
        source.add_run(f" {row.position_source}")


def _write_position(out: CellWriter, row: MatrixRow, matrix: Matrix) -> None:
    out.paragraph().add_run(row.position)


def _write_themes(out: CellWriter, row: MatrixRow, matrix: Matrix) -> None:
    for theme in row.themes:
        out.paragraph().add_run(f"- {theme}")
    for label, terms in ((_("SDGs:"), row.sdgs), (_("Affected persons:"), row.groups)):
        if terms:
            run_add(out.paragraph(), label, LABEL_STYLE)
        for term in terms:
            out.paragraph().add_run(f"- {term}")


def _write_assessment(out: CellWriter, row: MatrixRow, matrix: Matrix) -> None:
    status = out.paragraph()
    run_add(status, _("Status as of %(day)s:") % {"day": texts.day(matrix.as_of)}, LABEL_STYLE)
    status.add_run(f" {row.status_label}")
    if not matrix.private_included:
        return
    for note in row.notes:
        paragraph = out.paragraph()
        run_add(paragraph, texts.note_lead(note), LABEL_STYLE)
        paragraph.add_run(f" {note.text}")
    if not row.notes:
        out.paragraph().add_run(texts.no_notes())
    if row.evidence:
        run_add(out.paragraph(), f"{texts.evidence_label()}:", LABEL_STYLE)
    for evidence in row.evidence:
        paragraph = out.paragraph()
        paragraph.add_run("- ")
        evidence_write(paragraph, evidence)


# The list's columns, as OHCHR's cycles 2 and 3 print them (landscape A4: 26.7 cm between margins).
COLUMNS: tuple[Column, ...] = (
    Column(gettext_lazy("Recommendation"), Cm(8.0), _write_recommendation),
    Column(gettext_lazy("Position"), Cm(2.4), _write_position),
    Column(gettext_lazy("Full list of themes"), Cm(7.3), _write_themes),
    Column(gettext_lazy("Assessment/comments on level of implementation"), Cm(9.0), _write_assessment),
)


def _styles(document, language: str) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(10)
    styles_prepare(document, language)
    cell = styles.add_style(CELL_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    cell.font.size = Pt(9)
    cell.paragraph_format.space_after = Pt(1)
    heading = styles.add_style(HEADING_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    heading.base_style = cell
    heading.font.bold = True
    theme = styles.add_style(THEME_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    theme.base_style = cell
    theme.font.size = Pt(11)
    theme.font.bold = theme.font.italic = True
    theme.paragraph_format.keep_with_next = True


def _shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _keep_on_one_page(row) -> None:
    """A recommendation's row is not split over a page break (unless longer than a page)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _page(document, matrix: Matrix) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    section.top_margin, section.header_distance = Cm(2.0), Cm(0.9)
    header = section.header.paragraphs[0]
    header.add_run(f"{review(matrix)}\t{document_title()}\t")
    header.add_run(f"{texts.page()} ")
    page_number_add(header)
    stops = header.paragraph_format.tab_stops
    for inherited in header.style.paragraph_format.tab_stops:  # the Header style's, for a portrait page
        stops.add_tab_stop(inherited.position, WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(Cm(13.35), WD_TAB_ALIGNMENT.CENTER)
    stops.add_tab_stop(Cm(26.7), WD_TAB_ALIGNMENT.RIGHT)


def document_title() -> str:
    return _("Thematic list of recommendations: assessment of implementation")


def review(matrix: Matrix) -> str:
    return _("UPR of %(country)s (%(year)s)") % {"country": matrix.country_name, "year": matrix.report_year}


def _cover(document, matrix: Matrix) -> None:
    paragraph_add(document, "Title", document_title())
    paragraph_add(document, "Subtitle", matrix.title)
    facts = paragraph_add(document, None)
    for index, (label, value) in enumerate(
        (
            (_("Country"), matrix.country_name),
            (_("Status as of"), texts.day(matrix.as_of)),
            (_("Prepared on"), texts.day(matrix.generated_on)),
            (_("Recommendations"), str(matrix.total)),
        )
    ):
        run_add(facts, f"{' · ' if index else ''}{label}: ", LABEL_STYLE)
        facts.add_run(value)
    paragraph_add(
        document,
        None,
        _(
            "The last column gives each recommendation's status at the end of %(day)s as the tracker records "
            "it, with the latest progress notes and the evidence of that day."
        )
        % {"day": texts.day(matrix.as_of)},
    )
    if not matrix.private_included:
        paragraph_add(document, None, texts.private_left_out())


def _theme_row(table, name: str) -> None:
    """A row of one cell across the table (w:gridSpan, as Word merges cells)."""
    row = table.add_row()
    first, *others = row._tr.tc_lst
    for cell in others:
        row._tr.remove(cell)
    first.grid_span = len(COLUMNS)
    cell = _Cell(first, table)
    cell.width = Emu(sum(column.width for column in COLUMNS))
    CellWriter(cell, table.part.styles).paragraph(THEME_STYLE).add_run(_("Theme: %(name)s") % {"name": name})
    _shade(cell, THEME_SHADE)


def _table(document, matrix: Matrix):
    styles = document.styles
    table = document.add_table(rows=1, cols=len(COLUMNS))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    header = table.rows[0]
    repeat_as_header(header)
    for column, grid, cell in zip(COLUMNS, table.columns, header.cells, strict=True):
        grid.width = cell.width = column.width
        CellWriter(cell, styles).paragraph(HEADING_STYLE).add_run(str(column.heading))
        _shade(cell, HEADER_SHADE)
    for section in matrix.sections:
        _theme_row(table, section.name)
        for row in section.rows:
            added = table.add_row()
            _keep_on_one_page(added)
            cells = added.cells
            for column, cell in zip(COLUMNS, cells, strict=True):
                cell.width = column.width
                column.write(CellWriter(cell, styles), row, matrix)
    return table


def matrix_docx(matrix: Matrix) -> bytes:
    with override(matrix.language):
        document = Document()
        _styles(document, matrix.language)
        properties = document.core_properties
        properties.title = f"{document_title()}: {matrix.title}"
        properties.subject = matrix.title
        properties.language = language_tag(matrix.language)
        properties.author = _("Recommendation tracker")
        _page(document, matrix)
        _cover(document, matrix)
        _table(document, matrix)
    return saved(document)
