"""What every Word document the tracker writes is made of (python-docx): named styles looked
up once, runs in a named character style or another language, external links, fields Word
computes (page numbers, the table of contents), table header rows repeated on each page.

Both documents (docx_document.py, the submission; matrix_document.py, the UPR thematic list)
build on these, so a link or a language is written the same way in each.
"""

import io
from typing import cast

from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph

from . import texts
from .content import EvidenceEntry

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE_TAGS = {"az": "az-Latn-AZ", "en": "en-GB"}

LABEL_STYLE = "Field Label"
OTHER_LANGUAGE_STYLE = "Other Language"
LINK_STYLE = "Hyperlink"


def language_tag(language: str) -> str:
    return LANGUAGE_TAGS.get(language, language)


_STYLE_IDS: dict[str, str] = {}


def style_id(styles, name: str) -> str:
    """A style's id by its name. python-docx finds a style by name with a walk over every
    style of the document (checking each one's default), per paragraph and run: a few
    hundred recommendations took seconds. Every document is built from the same template
    and the same style names, so the ids are the same for all of them and are looked up once."""
    if name not in _STYLE_IDS:
        _STYLE_IDS[name] = styles[name].style_id
    return _STYLE_IDS[name]


def paragraph_add(container, style: str | None, text: str = "", *, styles=None) -> Paragraph:
    """A paragraph at the end of `container` (the document, or a table cell: then `styles`
    are the document's)."""
    paragraph = container.add_paragraph(text)
    if style is not None:
        paragraph._p.style = style_id(styles if styles is not None else container.styles, style)
    return paragraph


def run_add(paragraph: Paragraph, text: str, style: str):
    run = paragraph.add_run(text)
    run._r.style = style_id(cast(DocumentPart, paragraph.part).styles, style)
    return run


def language_set(element, tag: str) -> None:
    """Set w:lang on a run or style's run properties."""
    properties = element.get_or_add_rPr()
    lang = properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        properties.append(lang)
    lang.set(qn("w:val"), tag)


def styles_prepare(document, language: str) -> None:
    """The document's language on Normal (spelling and hyphenation follow it) and the
    character styles both documents use: a label, a text in another language, a link."""
    styles = document.styles
    language_set(styles["Normal"].element, language_tag(language))

    label = styles.add_style(LABEL_STYLE, WD_STYLE_TYPE.CHARACTER)
    label.font.bold = True

    other = styles.add_style(OTHER_LANGUAGE_STYLE, WD_STYLE_TYPE.CHARACTER)
    other.font.italic = True
    other.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    link = styles.add_style(LINK_STYLE, WD_STYLE_TYPE.CHARACTER)
    link.font.underline = True
    link.font.color.rgb = RGBColor(0x05, 0x63, 0xC1)


def hyperlink_add(paragraph: Paragraph, text: str, url: str) -> None:
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = run_add(paragraph, text, LINK_STYLE)
    link.append(run._r)  # moved from the paragraph into the link
    paragraph._p.append(link)


def evidence_write(paragraph: Paragraph, evidence: EvidenceEntry) -> None:
    """One evidence entry: its title as a link (a stored file's says sign-in is needed), or
    an excerpt's title and its words quoted."""
    if evidence.url:
        hyperlink_add(paragraph, evidence.title, evidence.url)
        if evidence.sign_in_needed:
            paragraph.add_run(f" {texts.sign_in_needed()}")
    else:
        run_add(paragraph, evidence.title, LABEL_STYLE)
        paragraph.add_run(f": “{evidence.excerpt}”")


def field_run(paragraph: Paragraph, kind: str, **attributes: str) -> None:
    run = paragraph.add_run()
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), value)
    run._r.append(element)


def instruction_add(paragraph: Paragraph, text: str) -> None:
    run = paragraph.add_run()
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = text
    run._r.append(instruction)


def page_number_add(paragraph: Paragraph) -> None:
    """A PAGE field, showing 1 until the word processor computes it."""
    field_run(paragraph, "begin")
    instruction_add(paragraph, " PAGE ")
    field_run(paragraph, "separate")
    paragraph.add_run("1")
    field_run(paragraph, "end")


def repeat_as_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


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


def update_fields_on_open(document) -> None:
    """Word then offers to update the table of contents (and page numbers) on opening."""
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    following = next((child for child in settings if child.tag in _AFTER_UPDATE_FIELDS), None)
    if following is None:
        settings.append(update)
    else:
        following.addprevious(update)


def saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
