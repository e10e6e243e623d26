"""Readers: from a report's words to indicator values and unread figures, writing nothing.

A value is returned only when its indicator, year and unit are certain; every other figure
that might be one is an `UnreadFigure` with its sentence or cell and the reason, for a
person to file by hand."""

from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from ..models import plain_number


@dataclass
class ReadValue:
    code: str
    year: int
    state: str
    number: Decimal | None = None
    currency: str = ""
    converted_usd: Decimal | None = None
    printed: str = ""
    quote: str = ""
    location: dict[str, Any] = field(default_factory=dict)
    citations: str = ""
    language: str = ""

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["number"] = plain_number(self.number)
        data["converted_usd"] = plain_number(self.converted_usd)
        return data


@dataclass
class UnreadFigure:
    printed: str
    reason: str
    quote: str = ""
    location: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Reading:
    values: list[ReadValue] = field(default_factory=list)
    unread: list[UnreadFigure] = field(default_factory=list)

    def extend(self, other: "Reading") -> None:
        self.values.extend(other.values)
        self.unread.extend(other.unread)
