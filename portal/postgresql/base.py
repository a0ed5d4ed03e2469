"""PostgreSQL that accepts connections but never answers must not hold every worker.

statement_timeout (set in settings) makes a live server give up on a slow statement; it cannot help when the server
never sees the statement (hung, stopped, or behind a proxy that stopped forwarding). So every wait for an answer
also has a client-side deadline, DATABASE_ANSWER_DEADLINE (the statement timeout plus a second, so a live server
cancels first and the connection stays usable). A wait that reaches it closes its connection, whose state is then
unknown, and opens the circuit: for DATABASE_RETRY_AFTER seconds new connections are refused at once instead of
waiting connect_timeout each, and the log gets one line per outage (monographs.circuit).

Django documents subclassing its backends; this one changes only how a connection is made and how it waits.
"""

import types

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg.pq import TransactionStatus

from monographs.circuit import Circuit

circuit = Circuit("PostgreSQL", retry_after=settings.DATABASE_RETRY_AFTER)


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection that waits at most DATABASE_ANSWER_DEADLINE seconds for the server (None: forever)."""

    def wait(self, gen, interval=0.1, timeout=None):
        limit = timeout or settings.DATABASE_ANSWER_DEADLINE
        try:
            return super().wait(gen, interval=interval, timeout=limit)
        except psycopg.OperationalError as error:
            if limit is None or self.pgconn.transaction_status != TransactionStatus.ACTIVE:
                raise  # the server answered (an error), or nothing was in flight: psycopg's own business
            # Still waiting for the server's answer when we stopped: nothing can be sent on this connection again.
            self.pgconn.finish()
            circuit.failed(error)
            raise psycopg.OperationalError(f"PostgreSQL did not answer within {limit:g} s") from None


class DatabaseWrapper(base.DatabaseWrapper):
    # Django connects with `self.Database.connect(...)`: the same psycopg module, connecting with DeadlineConnection.
    Database = types.SimpleNamespace(**vars(psycopg) | {"connect": DeadlineConnection.connect})  # type: ignore[assignment]

    def get_new_connection(self, conn_params):
        if circuit.is_open:
            raise psycopg.OperationalError(
                f"PostgreSQL failed less than {circuit.retry_after:g} s ago; not trying again yet"
            )
        try:
            connection = super().get_new_connection(conn_params)
        except psycopg.OperationalError as error:
            circuit.failed(error)
            raise
        circuit.succeeded()
        return connection
