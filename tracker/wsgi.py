import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings.production")
django_application = get_wsgi_application()

# After django.setup() (above): the lane imports models.
from recommendations.caching.lane import PublicReadLane  # noqa: E402

# Anonymous reads of unchanged data are answered before Django (recommendations/caching/lane.py).
application = PublicReadLane(django_application)
