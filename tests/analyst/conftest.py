import pytest

from .reports import build_reports


@pytest.fixture
def reports(db):
    """The Azerbaijani report data every analyst-side test reads."""
    return build_reports()
