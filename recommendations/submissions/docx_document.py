"""The submission as a Word document (python-docx), made to be edited before it is sent:
real heading styles (Word's and LibreOffice's navigation and the table of contents read
them), a table-of-contents field the editor's program updates, named paragraph and character
styles instead of direct formatting, tables for what is tabular and never spaces for layout.

The document's language is set on its styles (spelling and hyphenation follow it); a text
that exists only in another language carries that language on its own run and is marked.
"""

from django.utils.translation import gettext as _
from django.utils.translation import override
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from . import texts
from .content import Item, Submission
from .word import (
    LABEL_STYLE,
    OTHER_LANGUAGE_STYLE,
    evidence_write,
    field_run,
    hyperlink_add,
    instruction_add,
    language_set,
    language_tag,
    page_number_add,
    paragraph_add,
    repeat_as_header,
    run_add,
    saved,
    styles_prepare,
    update_fields_on_open,
)

ACTION_STYLE = "Recommendation Action"
MARK_STYLE = "Repeat Mark"
NOTE_STYLE = "Progress Note"
STATUS_STYLE = "Status Line"


def submission_docx(submission: Submission) -> bytes:
    with override(submission.language):
        document = Document()
        _styles(document, submission.language)
        _properties(document, submission)
        _cover(document, submission)
        for area in submission.areas:
            paragraph_add(document, "Heading 1", area.name)
            for item in area.items:
                _item(document, submission, item)
        _footer(document, submission)
        update_fields_on_open(document)
    return saved(document)


def _styles(document, language: str) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    styles_prepare(document, language)

    action = styles.add_style(ACTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    action.base_style = normal
    action.paragraph_format.left_indent = Cm(0.5)
    action.paragraph_format.space_after = Pt(8)
    action.font.size = Pt(11.5)

    # A recommendation's lines keep with the next, so one is not split over a page break
    # unless it is longer than a page.
    action.paragraph_format.keep_with_next = True
    status = styles.add_style(STATUS_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    status.base_style = normal
    status.paragraph_format.keep_with_next = True

    mark = styles.add_style(MARK_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    mark.base_style = normal
    mark.paragraph_format.keep_with_next = True
    mark.font.italic = True
    mark.font.color.rgb = RGBColor(0x8A, 0x3B, 0x00)

    note = styles.add_style(NOTE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.paragraph_format.left_indent = Cm(0.5)

    for level in (1, 2):  # Word's built-in names, so its TOC field uses them when it updates
        entry = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        entry.base_style = normal
        entry.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        entry.paragraph_format.space_after = Pt(2)


def _properties(document, submission: Submission) -> None:
    properties = document.core_properties
    properties.title = f"{texts.document_title()}: {texts.subtitle(submission)}"
    properties.subject = texts.subtitle(submission)
    properties.language = language_tag(submission.language)
    properties.author = _("Recommendation tracker")


def _labelled(document, label: str, value: str, style: str = "Normal") -> Paragraph:
    paragraph = paragraph_add(document, style)
    run_add(paragraph, f"{label} ", LABEL_STYLE)
    paragraph.add_run(value)
    return paragraph


def _cover(document, submission: Submission) -> None:
    labels = texts.labels()
    paragraph_add(document, "Title", texts.document_title())
    paragraph_add(document, "Subtitle", texts.subtitle(submission))
    facts = document.add_table(rows=0, cols=2)
    facts.style = document.styles["Table Grid"]
    for label, value in texts.facts(submission):
        cells = facts.add_row().cells
        run_add(cells[0].paragraphs[0], label, LABEL_STYLE)
        cells[1].paragraphs[0].add_run(value)
    paragraph_add(document, None, texts.counting_note(submission))
    if not submission.private_included:
        paragraph_add(document, MARK_STYLE, texts.private_left_out())
    _table_of_contents(document, submission)

    # The cover and its contents on their own page(s); the report begins on a new one.
    paragraph_add(document, "Heading 1", labels["reports"]).paragraph_format.page_break_before = True
    for report in submission.reports:
        paragraph_add(document, "List Bullet", texts.report_line(report))
    paragraph_add(document, "Heading 1", labels["by_status"])
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Light List Accent 1"]
    header = table.rows[0]
    repeat_as_header(header)
    header.cells[0].text = labels["status"]
    header.cells[1].text = labels["recommendations"]
    for _code, label, count in submission.by_status:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = str(count)
    cells = table.add_row().cells
    run_add(cells[0].paragraphs[0], labels["total"], LABEL_STYLE)
    run_add(cells[1].paragraphs[0], str(submission.total), LABEL_STYLE)


def _table_of_contents(document, submission: Submission) -> None:
    """A TOC field over headings 1–2 for one report; over the areas alone across a country's
    reports, whose hundreds of recommendations would fill pages of contents (their headings
    stay in the navigation pane). Its shown result lists the headings already (without
    page numbers), so the document reads right before any program updates the field; Word
    updates it on opening (settings: updateFields), LibreOffice with Tools ▸ Update."""
    labels = texts.labels()
    paragraph_add(document, "TOC Heading", labels["contents"])
    entries = [(1, labels["reports"]), (1, labels["by_status"])]
    for area in submission.areas:
        entries.append((1, area.name))
        if submission.single_report:
            entries.extend((2, texts.item_heading(submission, item)) for item in area.items)
    first = paragraph_add(document, "toc 1")
    field_run(first, "begin", dirty="true")
    levels = "1-2" if submission.single_report else "1-1"
    instruction_add(first, f' TOC \\o "{levels}" \\h \\z \\u ')
    field_run(first, "separate")
    paragraph = first
    for index, (level, text) in enumerate(entries):
        if index:
            paragraph = paragraph_add(document, f"toc {level}")
        paragraph.add_run(text)
    field_run(paragraph, "end")


def _item(document, submission: Submission, item: Item) -> None:
    paragraph_add(document, "Heading 2", texts.item_heading(submission, item))
    action = paragraph_add(document, ACTION_STYLE)
    run = action.add_run(item.action.text)
    if item.action.fallback:
        language_set(run._r, language_tag(item.action.language))
        run_add(action, f" {texts.only_in(item.action.language_name)}", OTHER_LANGUAGE_STYLE)
    _labelled(document, texts.status_as_of(submission), item.status_label, style=STATUS_STYLE)
    if item.earlier_years:
        paragraph_add(document, MARK_STYLE, texts.repeated(item))
    if item.indicators:
        heading = paragraph_add(document, STATUS_STYLE)
        run_add(heading, texts.indicators_label(), LABEL_STYLE)
    for line in item.indicators:
        _labelled(document, f"{line.name}:", line.values, style=NOTE_STYLE)
    if submission.private_included:
        heading = paragraph_add(document, STATUS_STYLE)
        run_add(heading, texts.latest_progress(), LABEL_STYLE)
        for note in item.notes:
            _labelled(document, texts.note_lead(note), note.text, style=NOTE_STYLE)
        if not item.notes:
            paragraph_add(document, NOTE_STYLE, texts.no_notes())
        if item.evidence:
            heading = paragraph_add(document, STATUS_STYLE)
            run_add(heading, texts.evidence_label(), LABEL_STYLE)
        for evidence in item.evidence:
            evidence_write(paragraph_add(document, "List Bullet"), evidence)
    link = paragraph_add(document, NOTE_STYLE)
    hyperlink_add(link, texts.open_in_tracker(), item.page_url)


def _footer(document, submission: Submission) -> None:
    footer = document.sections[0].footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.add_run(f"{texts.subtitle(submission)} · {texts.day(submission.as_of)} · {texts.page()} ")
    page_number_add(footer)
