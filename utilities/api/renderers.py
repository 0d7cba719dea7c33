"""Export formats: CSV for every list, GeoJSON for places and relationships, iCalendar for
anniversaries.

Exports are not paginated (``paginate = False``; the viewsets read it): one request gives
the whole filtered list, as a briefing needs. Errors are always JSON (see
:meth:`utilities.api.views.ExportMixin.finalize_response`).

A list is streamed (``streams = True``; :meth:`utilities.api.views.ExportMixin.list`): the
view hands :meth:`stream` the records one at a time, read from the database in chunks, and
the renderer yields the file in pieces, so a 50,000-row export holds one chunk in memory,
never the whole list. A single record (and any other read) is rendered whole by
:meth:`render`. Both give the same file for the same records.
"""

import csv
import datetime
import io
import itertools
import json

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import renderers, serializers
from rest_framework.utils.encoders import JSONEncoder

from utilities.formulas import escape_formula
from utilities.lazy_imports import lazy_module

from .fields import BriefRelatedField, CountryField

# Only the anniversaries' calendar uses icalendar (some 8 MB of modules): loaded then.
icalendar = lazy_module("icalendar")

# Records per piece of a streamed export: large enough that a piece is a few hundred
# kilobytes, small enough that memory stays flat.
ROWS_PER_PIECE = 500


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


def columns(serializer, prefix=""):
    """The CSV columns of a serializer's records, declared rather than found in the rows:
    an embedded record (a nested serializer, a brief related record, a country) is its own
    columns (``chinese_place.id``, ``chinese_place.country.code``…), whether or not a row
    has one, so that a streamed export can write its header first."""
    names = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if isinstance(field, serializers.Serializer):
            names += columns(field, f"{prefix}{name}.")
        elif isinstance(field, BriefRelatedField):
            names += columns(field.brief_serializer(context=serializer.context), f"{prefix}{name}.")
        elif isinstance(field, CountryField) and field.country_dict:
            names += [f"{prefix}{name}.{key}" for key in field.country_dict_keys]
        else:
            names.append(f"{prefix}{name}")
    return names


def _pieces(items, size=ROWS_PER_PIECE):
    iterator = iter(items)
    while piece := list(itertools.islice(iterator, size)):
        yield piece


class CSVRenderer(renderers.BaseRenderer):
    """UTF-8 CSV with a byte-order mark, so that Excel (what briefings are made in) opens
    Chinese text correctly; Python reads it with ``encoding="utf-8-sig"``. A text cell a
    spreadsheet would run as a formula is written as text (``utilities.formulas``)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"
    paginate = False
    streams = True

    def stream(self, records, serializer, renderer_context=None):
        """The file in pieces: the header (the serializer's declared columns), then the
        rows, ``ROWS_PER_PIECE`` at a time."""
        header = columns(serializer)
        rows = (
            [escape_formula(row.get(name, "")) for name in header] for row in map(flatten, records)
        )
        return self.stream_rows(header, rows)

    def stream_rows(self, header, rows):
        """The file in pieces from its header and its rows of cells (escaped already)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow(header)
        yield buffer.getvalue().encode("utf-8")
        for piece in _pieces(rows):
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(piece)
            yield buffer.getvalue().encode("utf-8")

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
    streams = True

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

    def stream(self, records, serializer, renderer_context=None):
        """The same bytes as :meth:`render` of the whole list, a piece at a time."""
        yield b'{"type": "FeatureCollection", "features": ['
        encoder = JSONEncoder(ensure_ascii=False)
        first = True
        for piece in _pieces(records):
            text = ", ".join(encoder.encode(self.feature(record)) for record in piece)
            yield (text if first else ", " + text).encode("utf-8")
            first = False
        yield b"]}"


class ICalendarRenderer(renderers.BaseRenderer):
    """An RFC 5545 calendar of one-day, all-day events. Each record gives ``id`` (the event
    UID), ``summary``, ``description``, ``url`` and ``starts`` (the ISO date of the event).
    The view may name the calendar with ``calendar_name``."""

    media_type = "text/calendar"
    format = "ics"
    charset = "utf-8"
    paginate = False
    streams = True

    def calendar(self, renderer_context, empty):
        view = (renderer_context or {}).get("view")
        calendar = icalendar.Calendar()
        calendar.add("prodid", "-//Sister Cities Registry//REST API//ZH")
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        name = getattr(view, "calendar_name", None)
        if name:
            calendar.add("x-wr-calname", str(name))
        if empty:
            calendar.add("x-wr-caldesc", _("没有即将到来的周年纪念。"))
        return calendar

    def render(self, data, accepted_media_type=None, renderer_context=None):
        calendar = self.calendar(renderer_context, empty=not _rows(data))
        stamp = timezone.now()
        for record in _rows(data):
            calendar.add_component(self.event(record, stamp))
        return calendar.to_ical()

    def stream(self, records, serializer, renderer_context=None):
        """The calendar's lines, its events a piece at a time: the same calendar as
        :meth:`render` of the whole list."""
        records = iter(records)
        first = next(records, None)
        head = self.calendar(renderer_context, empty=first is None).to_ical()
        end = b"END:VCALENDAR\r\n"
        yield head.removesuffix(end)
        stamp = timezone.now()
        if first is not None:
            for piece in _pieces(itertools.chain([first], records)):
                yield b"".join(self.event(record, stamp).to_ical() for record in piece)
        yield end

    @staticmethod
    def event(record, stamp):
        """One all-day event of a record (``id``, ``starts``, ``summary``…)."""
        event = icalendar.Event()
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
        return event
