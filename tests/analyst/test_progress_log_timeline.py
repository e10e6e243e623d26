"""`/api/v1/progress/` tells a log written out of order as the timeline does."""

from .test_progress_log import walk


def test_a_backdated_entry_shows_the_before_of_the_timeline(history, client_for):
    rows = walk(client_for("analyst"), "")
    a = [row for row in rows if row["recommendation"] == history["A"]]

    # A: in progress 2016, partially implemented 2017 (recorded last), implemented 2019.
    assert [(row["occurred_on"], row["status_before"], row["status_after"]) for row in a] == [
        ("2016-05-01", "not_assessed", "in_progress"),
        ("2017-06-01", "in_progress", "partially_implemented"),
        ("2019-01-10", "partially_implemented", "implemented"),
    ]
