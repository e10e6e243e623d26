from tests.shared_data import shared_data

from .reports import build_reports


@shared_data
def reports():
    """The Azerbaijani report data every analyst-side test reads, built once per module."""
    return build_reports()
