"""The submission as a Word document (python-docx), made to be edited before it is sent:
real heading styles (Word's and LibreOffice's navigation and the table of contents read
them), a table-of-contents field the editor's program updates, named paragraph and character
styles instead of direct formatting, tables for what is tabular and never spaces for layout.

The document's language is set on its styles (spelling and hyphenation follow it); a text
that exists only in another language carries that language on its own run and is marked.
"""

import io
from typing import cast

from django.utils.translation import gettext as _
from django.utils.translation import override
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph

from . import texts
from .content import Item, Submission

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE_TAGS = {"az": "az-Latn-AZ", "en": "en-GB"}

ACTION_STYLE = "Recommendation Action"
MARK_STYLE = "Repeat Mark"
NOTE_STYLE = "Progress Note"
STATUS_STYLE = "Status Line"
LABEL_STYLE = "Field Label"
OTHER_LANGUAGE_STYLE = "Other Language"
LINK_STYLE = "Hyperlink"


def submission_docx(submission: Submission) -> bytes:
    with override(submission.language):
        document = Document()
        _styles(document, submission.language)
        _properties(document, submission)
        _cover(document, submission)
        for area in submission.areas:
            _paragraph(document, "Heading 1", area.name)
            for item in area.items:
                _item(document, submission, item)
        _footer(document, submission)
        _update_fields_on_open(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_STYLE_IDS: dict[str, str] = {}


def _style_id(styles, name: str) -> str:
    """A style's id by its name. python-docx finds a style by name with a walk over every
    style of the document (checking each one's default), per paragraph and run: a few
    hundred recommendations took seconds. Every submission is built from the same template
    and `_styles`, so the ids are the same for all of them and are looked up once."""
    if name not in _STYLE_IDS:
        _STYLE_IDS[name] = styles[name].style_id
    return _STYLE_IDS[name]


def _paragraph(document, style: str | None, text: str = "") -> Paragraph:
    paragraph = document.add_paragraph(text)
    if style is not None:
        paragraph._p.style = _style_id(document.styles, style)
    return paragraph


def _run(paragraph: Paragraph, text: str, style: str):
    run = paragraph.add_run(text)
    run._r.style = _style_id(cast(DocumentPart, paragraph.part).styles, style)
    return run


def _language(element, tag: str) -> None:
    """Set w:lang on a run or style's run properties."""
    properties = element.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)


def _styles(document, language: str) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(6)
    _language(normal.element, LANGUAGE_TAGS.get(language, language))

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

    label = styles.add_style(LABEL_STYLE, WD_STYLE_TYPE.CHARACTER)
    label.font.bold = True

    other = styles.add_style(OTHER_LANGUAGE_STYLE, WD_STYLE_TYPE.CHARACTER)
    other.font.italic = True
    other.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    link = styles.add_style(LINK_STYLE, WD_STYLE_TYPE.CHARACTER)
    link.font.underline = True
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)

    for level in (1, 2):  # Word's built-in names, so its TOC field uses them when it updates
        entry = styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        entry.base_style = normal
        entry.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        entry.paragraph_format.space_after = Pt(2)


def _properties(document, submission: Submission) -> None:
    properties = document.core_properties
    properties.title = f"{texts.document_title()}: {texts.subtitle(submission)}"
    properties.subject = texts.subtitle(submission)
    properties.language = LANGUAGE_TAGS.get(submission.language, submission.language)
    properties.author = _("Recommendation tracker")


def _labelled(document, label: str, value: str, style: str = "Normal") -> Paragraph:
    paragraph = _paragraph(document, style)
    _run(paragraph, f"{label} ", LABEL_STYLE)
    paragraph.add_run(value)
    return paragraph


def _cover(document, submission: Submission) -> None:
    labels = texts.labels()
    _paragraph(document, "Title", texts.document_title())
    _paragraph(document, "Subtitle", texts.subtitle(submission))
    facts = document.add_table(rows=0, cols=2)
    facts.style = document.styles["Table Grid"]
    for label, value in texts.facts(submission):
        cells = facts.add_row().cells
        _run(cells[0].paragraphs[0], label, LABEL_STYLE)
        cells[1].paragraphs[0].add_run(value)
    _paragraph(document, None, texts.counting_note(submission))
    if not submission.private_included:
        _paragraph(document, MARK_STYLE, texts.private_left_out())
    _table_of_contents(document, submission)

    # The cover and its contents on their own page(s); the report begins on a new one.
    _paragraph(document, "Heading 1", labels["reports"]).paragraph_format.page_break_before = True
    for report in submission.reports:
        _paragraph(document, "List Bullet", texts.report_line(report))
    _paragraph(document, "Heading 1", labels["by_status"])
    table = document.add_table(rows=1, cols=2)
    table.style = document.styles["Light List Accent 1"]
    header = table.rows[0]
    _repeat_as_header(header)
    header.cells[0].text = labels["status"]
    header.cells[1].text = labels["recommendations"]
    for _code, label, count in submission.by_status:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = str(count)
    cells = table.add_row().cells
    _run(cells[0].paragraphs[0], labels["total"], LABEL_STYLE)
    _run(cells[1].paragraphs[0], str(submission.total), LABEL_STYLE)


def _repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _field_run(paragraph: Paragraph, kind: str, **attributes: str) -> None:
    run = paragraph.add_run()
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    run._r.append(element)


def _instruction(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run()
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = text
    run._r.append(instruction)


def _table_of_contents(document, submission: Submission) -> None:
    """A TOC field over headings 1–2 for one report; over the areas alone across a country's
    reports, whose hundreds of recommendations would fill pages of contents (their headings
    stay in the navigation pane). Its shown result lists the headings already (without
    page numbers), so the document reads right before any program updates the field; Word
    updates it on opening (settings: updateFields), LibreOffice with Tools ▸ Update."""
    labels = texts.labels()
    _paragraph(document, "TOC Heading", labels["contents"])
    entries = [(1, labels["reports"]), (1, labels["by_status"])]
    for area in submission.areas:
        entries.append((1, area.name))
        if submission.single_report:
            entries.extend((2, texts.item_heading(submission, item)) for item in area.items)
    first = _paragraph(document, "toc 1")
    _field_run(first, "begin", dirty="true")
    levels = "1-2" if submission.single_report else "1-1"
    _instruction(first, f' TOC \\o "{levels}" \\h \\z \\u ')
    _field_run(first, "separate")
    paragraph = first
    for index, (level, text) in enumerate(entries):
        if index:
            paragraph = _paragraph(document, f"toc {level}")
        paragraph.add_run(text)
    _field_run(paragraph, "end")


def _hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = _run(paragraph, text, LINK_STYLE)
    link.append(run._r)  # moved from the paragraph into the link
    paragraph._p.append(link)


def _item(document, submission: Submission, item: Item) -> None:
    _paragraph(document, "Heading 2", texts.item_heading(submission, item))
    action = _paragraph(document, ACTION_STYLE)
    run = action.add_run(item.action.text)
    if item.action.fallback:
        _language(run._r, LANGUAGE_TAGS.get(item.action.language, item.action.language))
        _run(action, f" {texts.only_in(item.action.language_name)}", OTHER_LANGUAGE_STYLE)
    _labelled(document, texts.status_as_of(submission), item.status_label, style=STATUS_STYLE)
    if item.earlier_years:
        _paragraph(document, MARK_STYLE, texts.repeated(item))
    if item.indicators:
        heading = _paragraph(document, STATUS_STYLE)
        _run(heading, texts.indicators_label(), LABEL_STYLE)
    for line in item.indicators:
        _labelled(document, f"{line.name}:", line.values, style=NOTE_STYLE)
    if submission.private_included:
        heading = _paragraph(document, STATUS_STYLE)
        _run(heading, texts.latest_progress(), LABEL_STYLE)
        for note in item.notes:
            _labelled(document, texts.note_lead(note), note.text, style=NOTE_STYLE)
        if not item.notes:
            _paragraph(document, NOTE_STYLE, texts.no_notes())
        if item.evidence:
            heading = _paragraph(document, STATUS_STYLE)
            _run(heading, texts.evidence_label(), LABEL_STYLE)
        for evidence in item.evidence:
            paragraph = _paragraph(document, "List Bullet")
            if evidence.url:
                _hyperlink(paragraph, evidence.title, evidence.url)
                if evidence.sign_in_needed:
                    paragraph.add_run(f" {texts.sign_in_needed()}")
            else:
                _run(paragraph, evidence.title, LABEL_STYLE)
                paragraph.add_run(f": “{evidence.excerpt}”")
    link = _paragraph(document, NOTE_STYLE)
    _hyperlink(link, texts.open_in_tracker(), item.page_url)


def _footer(document, submission: Submission) -> None:
    footer = document.sections[0].footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    footer.add_run(f"{texts.subtitle(submission)} · {texts.day(submission.as_of)} · {texts.page()} ")
    _field_run(footer, "begin")
    _instruction(footer, " PAGE ")
    _field_run(footer, "separate")
    footer.add_run("1")
    _field_run(footer, "end")


# What follows w:updateFields in the schema's order of w:settings (ECMA-376 CT_Settings); Word
# refuses a settings part whose children are out of order.
_AFTER_UPDATE_FIELDS = {
    qn(f"w:{name}")
    for name in (
        "hdrShapeDefaults",
        "footnotePr",
        "endnotePr",
        "compat",
        "docVars",
        "rsids",
        "attachedSchema",
        "themeFontLang",
        "clrSchemeMapping",
        "doNotIncludeSubdocsInStats",
        "doNotAutoCompressPictures",
        "forceUpgrade",
        "captions",
        "readModeInkLockDown",
        "smartTagType",
        "schemaLibrary",
        "shapeDefaults",
        "doNotEmbedSmartTags",
        "decimalSymbol",
        "listSeparator",
    )
} | {"{http://schemas.openxmlformats.org/officeDocument/2006/math}mathPr"}


def _update_fields_on_open(document) -> None:
    """Word then offers to update the table of contents (and page numbers) on opening."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    following = next((child for child in settings if child.tag in _AFTER_UPDATE_FIELDS), None)
    if following is None:
        settings.append(update)
    else:
        following.addprevious(update)
