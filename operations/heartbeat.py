"""A worker's heartbeat while it streams a long response.

gunicorn's master replaces a worker that has not reported for ``GUNICORN_TIMEOUT`` seconds
(``timeout`` in gunicorn.conf.py). A sync worker reports only between requests, so a
streamed export that takes longer (a national exchanges' CSV, 500,000 rows, takes about
half a minute) was killed mid-file: SIGABRT, the connection closed after the last whole
piece. Behind a proxy speaking HTTP/1.0 to gunicorn (nginx's default), that is a CSV that
ends on a whole row and looks complete.

Here a streamed response reports for the worker as each piece is sent (at most once a
second), so a worker that is sending is not taken for a stuck one; a worker stuck before
its first piece or between two (a query that never returns, a client that stops reading)
still misses its beats and is replaced. ``gunicorn.conf.py``'s ``post_fork`` hands each
worker's ``notify`` to ``install``; outside gunicorn (runserver, tests) nothing reports.
"""

import time

# Seconds between two reports: a report touches the worker's file (one system call); the
# master looks at it about once a second.
INTERVAL = 1.0

_notify = None


def install(notify):
    """Report with ``notify`` (a gunicorn worker's ``notify``) from now on."""
    global _notify
    _notify = notify


def beating(pieces):
    """The pieces of a streamed response, reporting for the worker as they are sent."""
    notify = _notify
    if notify is None:
        yield from pieces
        return
    last = time.monotonic()
    for piece in pieces:
        now = time.monotonic()
        if now - last >= INTERVAL:
            notify()
            last = now
        yield piece
