"""Export formats: CSV for every list, GeoJSON for places and relationships, iCalendar for
anniversaries.

Exports are not paginated (``paginate = False``; the viewsets read it): one request gives
the whole filtered list, as a briefing needs. Errors are always JSON (see
:meth:`utilities.api.views.ExportMixin.finalize_response`).
"""

import csv
import datetime
import io
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

from utilities.formulas import escape_formula


def _rows(data):
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    if isinstance(data, list):
        return data
    return [data] if data else []


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        for key in ("display", "code", "name", "id"):
            if value.get(key) not in (None, ""):
                return str(value[key])
        return json.dumps(value, ensure_ascii=False, cls=JSONEncoder)
    return str(value)


def flatten(record, prefix=""):
    """One CSV row from one JSON record: nested objects become ``parent.child`` columns,
    lists become one cell of their items' display names joined by "; "."""
    row = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            row[name] = "; ".join(_cell(item) for item in value)
        else:
            row[name] = _cell(value)
    return row


class CSVRenderer(renderers.BaseRenderer):
    """UTF-8 CSV with a byte-order mark, so that Excel (what briefings are made in) opens
    Chinese text correctly; Python reads it with ``encoding="utf-8-sig"``. A text cell a
    spreadsheet would run as a formula is written as text (``utilities.formulas``)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    paginate = False

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = [flatten(record) for record in _rows(data) if isinstance(record, dict)]
        header = list(dict.fromkeys(name for row in rows for name in row))
        if not header:
            header = self._declared_fields(renderer_context)
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.DictWriter(buffer, fieldnames=header, restval="", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(
            {name: escape_formula(value) for name, value in row.items()} for row in rows
        )
        return buffer.getvalue().encode("utf-8")

    def _declared_fields(self, renderer_context):
        """The top-level columns of an empty list (the serializer's field names)."""
        view = (renderer_context or {}).get("view")
        try:
            return list(view.get_serializer().fields)
        except Exception:  # noqa: BLE001 - an empty export must still be a valid file
            return ["id", "url", "display"]


class GeoJSONRenderer(renderers.BaseRenderer):
    """RFC 7946 GeoJSON: a FeatureCollection for a list, a Feature for one record. The
    serializer adds a ``geometry`` key when this format is asked for; the other fields are
    the feature's properties. Records without coordinates have ``"geometry": null``."""

    media_type = "application/geo+json"
    format = "geojson"
    charset = None
    paginate = False

    @staticmethod
    def feature(record):
        properties = dict(record)
        geometry = properties.pop("geometry", None)
        return {
            "type": "Feature",
            "id": properties.get("id"),
            "geometry": geometry,
            "properties": properties,
        }

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, dict) and "results" not in data and "id" in data:
            document = self.feature(data)
        else:
            document = {
                "type": "FeatureCollection",
                "features": [self.feature(record) for record in _rows(data)],
            }
        return json.dumps(document, ensure_ascii=False, cls=JSONEncoder).encode("utf-8")


class ICalendarRenderer(renderers.BaseRenderer):
    """An RFC 5545 calendar of one-day, all-day events. Each record gives ``id`` (the event
    UID), ``summary``, ``description``, ``url`` and ``starts`` (the ISO date of the event).
    The view may name the calendar with ``calendar_name``."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"
    paginate = False

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        calendar = Calendar()
        calendar.add("prodid", "-//Sister Cities Registry//REST API//ZH")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        name = getattr(view, "calendar_name", None)
        if name:
            calendar.add("x-wr-calname", str(name))
        stamp = timezone.now()
        for record in _rows(data):
            event = Event()
            event.add("uid", f"{record['id']}@sister-cities-registry")
            event.add("dtstamp", stamp)
            # One all-day event on ``starts``; DTEND is exclusive, so the day after. (An
            # anniversary known only to the month or year is not spread over all of it:
            # its title says so, see cities.anniversaries.)
            start = datetime.date.fromisoformat(record["starts"])
            event.add("dtstart", start)
            event.add("dtend", start + datetime.timedelta(days=1))
            event.add("summary", record["summary"])
            if record.get("description"):
                event.add("description", record["description"])
            if record.get("url"):
                event.add("url", record["url"])
            # An anniversary does not block anyone's time.
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
        if not _rows(data):
            calendar.add("x-wr-caldesc", _("没有即将到来的周年纪念。"))
        return calendar.to_ical()
