"""The one query-count helper of the suite: a list page or endpoint must make the same
number of queries for one row as for a hundred (query counts are correctness)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings


def content(response):
    """A response's body, streamed or not; a streamed body is kept so it can be read again
    (``streaming_content`` can be read only once)."""
    if not response.streaming:
        return response.content
    body = b"".join(response.streaming_content)
    response.streaming_content = [body]
    return body


def count_queries(client, url, data=None, **headers):
    """``(number of queries, response)`` of a GET that must answer 200. The response keeps
    the SQL it caused as ``response.queries``, for a failing assertion to show. A streamed
    response (an export) is read inside the count: its queries run while it is sent."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data, **headers)
        content(response)
    assert response.status_code == 200, (url, response.content[:500])
    response.queries = [query["sql"] for query in captured.captured_queries]
    return len(captured), response


def flat_and_serialized(client, monkeypatch, url, viewset, params, language="zh-hans"):
    """``(flat rows' CSV, serializer's CSV)`` of the same export request: once through the
    viewset's ``flat_row_classes`` and once with them switched off (the serializer path),
    for tests that prove the two write the same bytes."""
    query = {"format": "csv", **params}
    fast = client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)
    assert fast.status_code == 200 and fast.streaming
    with monkeypatch.context() as patch:
        patch.setattr(viewset, "flat_row_classes", {})
        slow = client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)
    assert slow.status_code == 200 and slow.streaming
    return content(fast), content(slow)


def index_plan(queryset):
    """PostgreSQL's plan for a queryset when it may not scan a whole table (so a usable
    index is used even on the few rows a test database holds)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            return queryset.explain()
        finally:
            cursor.execute("SET LOCAL enable_seqscan = on")


def records_and_serialized(client, monkeypatch, url, viewset, params, language="zh-hans"):
    """``(page records' JSON, serializer's JSON)`` of the same list request: once through
    the viewset's ``page_record_classes`` and once with them switched off (the serializer
    path), each answered by the view: with the read cache on, the second would be the
    first one's kept answer, the same bytes whatever the builder made."""
    with override_settings(READ_CACHE=False):
        fast = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
        assert fast.status_code == 200, fast.content[:500]
        with monkeypatch.context() as patch:
            patch.setattr(viewset, "page_record_classes", {})
            slow = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert slow.status_code == 200, slow.content[:500]
    return fast.content, slow.content
