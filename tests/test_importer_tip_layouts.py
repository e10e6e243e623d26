"""TIP country chapters in the layouts real copies of one chapter come in (issue 20): each
gives the same tier and items, built here from the layout facts."""

import pytest

from recommendations.importing.parsers import tip
from recommendations.importing.services import report_import
from recommendations.models import Recommendation

ITEMS = [
    "Vigorously investigate and prosecute trafficking crimes under Articles 144-1 and 144-2.",
    "Increase efforts to identify victims among children begging on the streets.",
    "Amend Article 132-2. of the Criminal Code to cover forced labor.",
]


def chapter(heading: str, body: str) -> str:
    return (
        "AZERBAIJAN: Tier 2\n\nThe Government of Azerbaijan does not fully meet the standards.\n\n"
        f"{heading}\n{body}\n\nPROSECUTION\nThe government maintained law enforcement efforts.\n"
    )


LAYOUTS = {
    "one per paragraph": "\n\n".join(ITEMS),
    "hyphen bullets": "\n".join(f"- {item}" for item in ITEMS),
    "round bullets": "\n".join(f"• {item}" for item in ITEMS),
    "star separated": " * ".join(ITEMS),
}


@pytest.mark.parametrize("heading", ["Prioritized Recommendations", "PRIORITIZED RECOMMENDATIONS:"])
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_item_layout_under_either_heading_gives_the_same_items(layout, heading):
    result = tip.parse(chapter(heading, LAYOUTS[layout]), year=2023)

    assert (result.tier, [record.action for record in result.records]) == ("Tier 2", ITEMS)
    assert result.refusals == []


def test_two_items_glued_after_a_number_are_two_items():
    # A copy from the web page lost the paragraph break after "144-2.".
    body = ITEMS[0] + ITEMS[1] + "\n\n" + ITEMS[2]

    result = tip.parse(chapter("Prioritized Recommendations", body), year=2023)

    assert [record.action for record in result.records] == ITEMS


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("Amend Article 132-2. of the Criminal Code to cover forced labor.", 1),
        ("Raise the shelter budget 1.5 times and report on it.", 1),
        ("Apply Art. 5 and Article 2.A of the law to all victims.", 1),
        # A sentence ending in a number glued to a capitalised word: two items, as glued words are.
        ("Fund shelters as required by Law No. 5.Publish the funding.", 2),
    ],
)
def test_numbers_inside_an_item_do_not_split_it(item, expected):
    result = tip.parse(chapter("Prioritized Recommendations", item), year=2023)

    assert " ".join(record.action for record in result.records) == item.replace("5.P", "5. P")
    assert len(result.records) == expected


@pytest.mark.django_db
def test_a_chapter_with_the_title_case_heading_imports_from_the_command_line_service():
    report = report_import(
        data=chapter("Prioritized Recommendations", LAYOUTS["one per paragraph"]).encode(),
        kind="tip",
        country="AZ",
        report_year=2023,
        language="en",
    )

    assert report.created == 3
    assert list(Recommendation.objects.order_by("position").values_list("action", flat=True)) == ITEMS
