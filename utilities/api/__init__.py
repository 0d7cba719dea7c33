"""Shared pieces of the REST API: the brief-serializer base, partial-date and brief-related
serializer fields, the CSV / GeoJSON / iCalendar renderers, the office write permission,
pagination, ordering, throttling and the OpenAPI schema class every app's ``api/`` uses."""
