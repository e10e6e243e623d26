"""A report page saved from a browser ("Save page as…"): its text as the page shows it.

The charset is the one the file declares (a byte-order mark, or `<meta charset>` /
`<meta http-equiv="Content-Type" content="…; charset=…">` near its start), else UTF-8.
Each block (paragraph, heading, list item, table row) is a line of its own with a blank
line after paragraphs and headings, list items begin with "• ", and whitespace inside a
block is joined as a browser joins it. Scripts, styles, the page's head and its navigation,
footer and forms are not text of the report.
"""

import codecs
import re
from html.parser import HTMLParser


class UndecodablePage(ValueError):
    """The page's bytes are not text in the charset it declares (or UTF-8)."""


_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# How far into the file a charset declaration is looked for (HTML's own rule is 1024 bytes;
# browsers' saved pages put a comment and the <head> before it).
PRESCAN_BYTES = 4096

SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "nav", "footer", "form", "svg"})
PARAGRAPHS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"})
BLOCKS = PARAGRAPHS | {"div", "section", "article", "main", "ul", "ol", "table", "tr", "dl", "dt", "dd", "br", "hr"}
VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "area", "base", "col", "source", "track"})
_SPACES = re.compile(r"\s+")


def is_html(data: bytes) -> bool:
    head = data[:1024]
    for bom, _encoding in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :].decode(_encoding.replace("-sig", ""), "ignore").encode()
            break
    return bool(_START.match(head))


def _decoded(data: bytes) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    declared = _CHARSET.search(data[:PRESCAN_BYTES])
    encoding = declared[1].decode("ascii") if declared else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UndecodablePage(f"The page declares the charset “{encoding}”, which is not known.") from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        how = f"its declared charset {encoding}" if declared else "UTF-8 (it declares no charset)"
        raise UndecodablePage(f"The page is not {how}: undecodable byte at offset {exc.start}.") from None


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping: list[str] = []

    def end_block(self, *, blank: bool = False) -> None:
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        self.current = []
        if text and text != "•":
            self.blocks.append(text)
        if blank and self.blocks and self.blocks[-1]:
            self.blocks.append("")

    def handle_starttag(self, tag: str, attrs) -> None:
        if self.skipping:
            if tag in SKIPPED and tag not in VOID:
                self.skipping.append(tag)
            return
        if tag in SKIPPED:
            self.skipping.append(tag)
        elif tag == "li":
            self.end_block()
            self.current.append("• ")
        elif tag in BLOCKS:
            self.end_block(blank=tag in PARAGRAPHS)
        elif tag in {"td", "th"}:
            self.current.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
            return
        if tag in BLOCKS or tag == "li":
            self.end_block(blank=tag in PARAGRAPHS)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)


def html_text(data: bytes) -> str:
    """The text of an HTML page, one block a line; UndecodablePage if it cannot be decoded."""
    parser = _Text()
    parser.feed(_decoded(data))
    parser.close()
    parser.end_block()
    return "\n".join(parser.blocks).strip() + "\n"
