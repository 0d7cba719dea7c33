"""A gunicorn worker streaming a long export reports as it sends (``operations.heartbeat``),
so the master does not take it for a stuck worker and kill it mid-file."""

import io
import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.http import FileResponse

from operations import heartbeat
from operations.middleware import HeartbeatMiddleware

pytestmark = pytest.mark.django_db


class Worker:
    """What gunicorn's master sees of a worker: how often it reported."""

    def __init__(self):
        self.reports = 0

    def notify(self):
        self.reports += 1


@pytest.fixture
def worker(monkeypatch):
    """A worker as gunicorn.conf.py's ``post_fork`` sets it up, reporting at every piece."""
    worker = Worker()
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    # The test's database connection stays open (a fork closes its inherited one).
    monkeypatch.setattr("django.db.connections.close_all", lambda: None)
    monkeypatch.setattr(heartbeat, "_notify", None)
    monkeypatch.setattr(heartbeat, "INTERVAL", 0)
    config["post_fork"](server=None, worker=worker)
    return worker


@pytest.mark.parametrize("path", ["/api/relationships/", "/api/exchanges/"])
def test_a_streamed_export_reports_for_its_worker_as_it_is_sent(client, world, worker, path):
    response = client.get(path, {"format": "csv"})
    assert response.streaming
    assert worker.reports == 0  # nothing is sent yet
    pieces = list(response.streaming_content)
    assert len(pieces) >= 2  # the header, then the rows
    assert worker.reports == len(pieces)
    assert b"".join(pieces).decode("utf-8-sig").startswith("id,url,display")


def test_a_whole_response_does_not_report(client, world, worker):
    response = client.get("/api/relationships/")
    assert response.status_code == 200 and not response.streaming
    assert worker.reports == 0


def test_outside_gunicorn_nothing_reports(client, world, monkeypatch):
    monkeypatch.setattr(heartbeat, "_notify", None)
    response = client.get("/api/relationships/", {"format": "csv"})
    assert b"".join(response.streaming_content).startswith(b"\xef\xbb\xbfid,")


def test_a_file_is_left_to_the_server(rf, worker):
    """A file keeps ``file_to_stream``: gunicorn sends it whole (``sendfile``)."""
    middleware = HeartbeatMiddleware(lambda request: FileResponse(io.BytesIO(b"a,b\r\n")))
    response = middleware(rf.get("/static/x.csv"))
    assert response.file_to_stream is not None
    assert b"".join(response.streaming_content) == b"a,b\r\n"
    assert worker.reports == 0
