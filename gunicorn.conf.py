"""gunicorn's settings for `make serve` (read from the environment; the README lists them).

Graceful reload without stalls: the application is loaded once in the master
(``preload_app``) and every worker is a fork of it, so a worker replaced after
``max_requests`` (with jitter, so they do not all restart together) or after
``kill -HUP <master pid>`` is serving again at once instead of importing Django while
requests wait. HUP re-reads this file and replaces the workers; to load new code, start a
new master beside the old one (``kill -USR2``), then stop the old one (``kill -QUIT``).
"""

import gc
import multiprocessing
import os

bind = os.environ.get("HOST", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 8))
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = 5
preload_app = True
# A guard against a slow leak, not a routine: a new worker makes again what it keeps for a
# generation and its local read cache (hundreds of ms), and at 1,000 requests a second a
# bound of 2,000 replaced each worker every few seconds. A worker's memory stays flat
# (103-108 MB over 58,000 requests of the public pages at national scale).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 20000)
max_requests_jitter = max_requests // 10
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Access log on stdout, error log on stderr; each access line ends with the request id the
# application logged its own lines under.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s" %({x-request-id}o)s'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def pre_fork(server, worker):
    # What the master loaded (Django, the URL configuration, every app's modules: some
    # 135,000 objects) lives as long as the worker. Frozen, it is left out of the worker's
    # full garbage collections, which otherwise walk it again and again (about a third of
    # a second each at national scale, several a second under load), and the memory pages
    # it sits on stay shared with the master instead of being copied on write.
    gc.freeze()


def post_fork(server, worker):
    # A fork shares no database connection with the master or its siblings.
    from django.db import connections

    # Imported here, as Django above: the application is loaded (preload_app) by now.
    from operations import heartbeat

    connections.close_all()
    # A streamed response reports for this worker as it is sent (operations/heartbeat.py):
    # a long export is not killed mid-file after ``timeout`` seconds.
    heartbeat.install(worker.notify)
