"""What `import_report` prints for several documents: one summary for all (per document: its
rows, tier or level, unread parts, the repeats it links across years, or why it is refused),
and the progress — a bar on a terminal, plain lines otherwise."""

from collections import Counter
from typing import TextIO

from django.core.management.base import OutputWrapper

from recommendations.importing.batch import BatchDocument
from recommendations.importing.collection import DataFileReport
from recommendations.importing.plan import ImportReport

BAR_WIDTH = 30


class Progress:
    """progress(done, total, name): on a terminal one line redrawn in place, else a line each."""

    def __init__(self, stream: "TextIO | OutputWrapper", label: str) -> None:
        self.stream = stream
        self.label = label
        self.terminal = _is_terminal(stream)

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.terminal:
            self._write(f"… {self.label} {done}/{total}: {name}\n")
            return
        filled = BAR_WIDTH * done // max(total, 1)
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        end = "\n" if done >= total else ""
        self._write(f"\r{self.label} [{bar}] {done}/{total} {name[-40:]:<40}{end}")
        self.stream.flush()

    def _write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            # Unstyled (stderr is red on a terminal), and without the line end it adds to each redraw.
            self.stream.write(text, style_func=lambda plain: plain, ending="")
        else:
            self.stream.write(text)


def _is_terminal(stream: "TextIO | OutputWrapper") -> bool:
    raw = getattr(stream, "_out", stream)  # Django's OutputWrapper keeps the real stream there
    try:
        return bool(raw.isatty())
    except (AttributeError, ValueError):
        return False


def told(document: BatchDocument) -> str:
    facts = [
        f"{document.kind or '?'}",
        document.country or "?",
        str(document.report_year or "?"),
        document.language or "?",
    ]
    from_document = sorted(name for name, where in document.told.items() if where == "document")
    text = " ".join(facts)
    if from_document:
        text += " (read from the document: " + ", ".join(from_document) + ")"
    return text


def _links(report: ImportReport) -> str:
    earlier = Counter(item.repeats.source_slug for item in report.items if item.repeats)
    later = Counter(repeat.source_slug for item in report.items for repeat in item.repeated_by)
    parts = [f"{count} to {slug}" for slug, count in sorted(earlier.items())]
    parts += [f"{count} of {slug}" for slug, count in sorted(later.items())]
    return ", ".join(parts) or "none"


def report_line(report: ImportReport) -> str:
    verb = "would" if report.dry_run else "did"
    unread = [problem for problem in report.problems if not problem.fatal]
    figures = len(report.indicators.reading.unread) if report.indicators is not None else 0
    values = len(report.indicators.reading.values) if report.indicators is not None else 0
    head = f"source {report.source_slug} {report.describe(report.source_operation)}"
    if report.translates:
        head += f" (the {report.language} text beside the {report.translates})"
    return (
        f"{head}; rows {len(report.items)} (create {report.created}, update {report.updated}, "
        f"unchanged {report.unchanged}); tier/level: {report.tier or '–'}; unread parts: {len(unread)} notes, "
        f"{figures} figures; indicator values {values}; repeats it {verb} link: {_links(report)}"
    )


def summary_lines(documents: list[BatchDocument], *, planned: bool) -> list[str]:
    lines = []
    for number, document in enumerate(documents, start=1):
        head = f"{number}. {document.name}: {told(document)}"
        report = document.report
        if report is None:
            lines.append(f"{head}: REFUSED: " + "; ".join(document.refusal))
        elif isinstance(report, DataFileReport):
            lines.append(f"{head}: data file of {len(report.outcomes)} countries")
            lines.extend("    " + line for line in report.summary_lines())
        else:
            lines.append(f"{head}: {report_line(report)}")
    refused = refused_names(documents)
    lines.append(
        f"{len(documents)} documents: {len(documents) - len(refused)} "
        f"{'would be imported' if planned else 'imported'}, {len(refused)} refused"
        + (": " + ", ".join(refused) if refused else "")
    )
    return lines


def refused_names(documents: list[BatchDocument]) -> list[str]:
    names = []
    for document in documents:
        if document.report is None:
            names.append(document.name)
        elif isinstance(document.report, DataFileReport) and document.report.refused:
            countries = ", ".join(outcome.country for outcome in document.report.refused)
            names.append(f"{document.name} (countries {countries})")
    return names
