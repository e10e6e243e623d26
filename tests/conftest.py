import pytest
from rest_framework.test import APIClient

from .factories import RecommendationFactory, SourceFactory, UserFactory
from .shared_data import SHARED_FIXTURES, is_transactional

ROLES = ("anonymous", "analyst", "ngo_staff", "admin")


def make_users() -> dict:
    """One user per role (anonymous is None). A module whose tests never delete or edit
    their users may share them: `users = shared_data(make_users, name="users")`."""
    return {
        "anonymous": None,
        "analyst": UserFactory(role="analyst"),
        "ngo_staff": UserFactory(role="ngo_staff"),
        "admin": UserFactory(role="admin"),
    }


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def users(db):
    """One user per role (anonymous is None), new for each test."""
    return make_users()


@pytest.fixture
def client_for(users):
    """An API client logged in as the given role ("anonymous" for none)."""

    def make(role: str) -> APIClient:
        client = APIClient()
        if users[role] is not None:
            client.force_authenticate(users[role])
        return client

    return make


@pytest.fixture
def recommendation(db):
    return RecommendationFactory()


@pytest.fixture
def source(db):
    return SourceFactory()


SLOW_KINDS = ("browser", "fuzz")


def pytest_itemcollected(item):
    """Browser and fuzzing tests are slow by nature: the everyday run (-m 'not slow') skips
    them without each module having to say so twice. A test that reads shared data
    (tests/shared_data.py) gets database access like any test that asks for `db`."""
    if any(item.get_closest_marker(kind) for kind in SLOW_KINDS):
        item.add_marker(pytest.mark.slow)
    if SHARED_FIXTURES.intersection(getattr(item, "fixturenames", ())) and not item.get_closest_marker("django_db"):
        item.add_marker(pytest.mark.django_db)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """A transactional test flushes the database at its end: inside a module's still open
    shared-data transaction it would wipe the shared rows (and commit nothing it meant to)."""
    from django.db import connections

    if is_transactional(item) and any(
        connection.in_atomic_block for connection in connections.all(initialized_only=True)
    ):
        pytest.fail(
            "a transactional test cannot run while shared data (tests/shared_data.py) is open: "
            "move it to a module without shared data"
        )


def pytest_collection_modifyitems(config, items):
    """Every transactional test (live servers, the worker) rolls back by serialization, so the
    migrations' own rows (content types, roles, the indicator vocabulary) are put back after
    its flush: a flush that recreated some of them would collide with the next serialized
    test's restore (Django inhibits that recreation only for serialized tests).

    Tests marked `postgres` need row locks and a server that really runs writers in
    parallel; on SQLite they are skipped with the reason spelled out."""
    from django.db import connection

    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        fixtures = getattr(item, "fixturenames", ())
        transactional = kwargs.get("transaction") or "transactional_db" in fixtures or "live_server" in fixtures
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason=f"needs PostgreSQL (DATABASE_URL); the default database is {connection.vendor}")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def fresh_content_type_cache():
    """Django caches content type ids per process. A transactional test's flush recreates
    them under new ids, or, after a serialized-rollback test (the browser tests), leaves
    none: a history row written with the cached id would then point at nothing."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language, as a new process does. The test client
    runs requests in this thread, and the locale middleware leaves the last request's language
    active after it (harmless in a server, where every request activates its own), so a test
    calling a service after an English request would otherwise read English messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def clear_throttle_cache():
    """Throttle and sign-in counters live in the cache, and cached public reads beside them;
    each test starts and ends with none. (A test's rolled-back writes move SQLite's data
    version back, so the next test's version can repeat one whose answers were cached.)"""
    from django.core.cache import caches

    for alias in ("default", "public_reads"):
        caches[alias].clear()
    yield
    for alias in ("default", "public_reads"):
        caches[alias].clear()


def _serve_in_thread(*, static: bool):
    """The application on a real socket (127.0.0.1, a free port), each request in its own
    thread with its own database connection, so writers really run in parallel.

    Unlike pytest-django's live_server, no media-file handler is mounted: evidence files
    have no public URL (MEDIA_URL is None in every setting), and that handler cannot start
    without one. `static` serves the pages' CSS from the apps' static folders."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer
    from django.db import connections
    from django.test.testcases import LiveServerThread

    class WideBacklogServer(ThreadedWSGIServer):
        # The default backlog (10) resets connections when dozens of clients connect at once.
        request_queue_size = 128

    class AppOnlyServerThread(LiveServerThread):
        server_class = WideBacklogServer

        def run(self):
            try:
                self.httpd = self._create_server(connections_override=None)
                self.port = self.httpd.server_address[1]
                self.httpd.set_app(StaticFilesHandler(WSGIHandler()) if static else WSGIHandler())
                self.is_ready.set()
                self.httpd.serve_forever()
            except Exception as error:
                self.error = error
                self.is_ready.set()
            finally:
                connections.close_all()

    thread = AppOnlyServerThread("127.0.0.1", static_handler=None, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait(timeout=30)
    if thread.error:
        raise thread.error
    return thread


@pytest.fixture
def api_server(transactional_db):
    """The API on a real socket, for concurrency tests."""
    thread = _serve_in_thread(static=False)
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture
def site_server(transactional_db):
    """The whole site (pages with their CSS) on a real socket, for the browser tests."""
    thread = _serve_in_thread(static=True)
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()


@pytest.fixture(autouse=True, scope="module")
def media_root_per_module(tmp_path_factory):
    """Each test module stores files in its own folder: files are named by their content, so
    the same bytes stored by another module would otherwise change the name a later test
    gets. Per module, not per test: data built once per module keeps its files."""
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield
