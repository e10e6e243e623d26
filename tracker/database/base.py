"""PostgreSQL, with a connection health check that costs no round trip.

Django checks a kept connection before each request's first query with `SELECT 1`: a
round trip per request, a quarter of a list request's worker time under load
(BENCHMARKS.md). An idle connection has nothing to read. When the server ends one (a
restart, `pg_terminate_backend`, an idle timeout) it sends the reason and closes the
socket, which makes the socket readable: only then, or inside a transaction, is the round
trip needed to tell. A request therefore still never runs on a connection the server has
dropped, the point of the check (see the database restart check in the README).
"""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        # poll(), not select(): select() refuses file descriptors above 1023, which a busy
        # worker with many keep-alive sockets can reach. (No poll() on Windows: full check.)
        if not hasattr(select, "poll"):
            return super().is_usable()
        poller = select.poll()
        try:
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            events = poller.poll(0)
        except (OSError, ValueError):
            return super().is_usable()
        return super().is_usable() if events else True
