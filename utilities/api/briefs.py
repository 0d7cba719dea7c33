"""What the page-record builders share: one request's ways of writing a record's parts
from plain values as the serializers write them.

A page-record builder (``utilities.api.views.PageRecordsMixin``) makes a page's records
from ``values_list()`` rows. :class:`RecordValues` holds what does not change during a
request and is looked up once there: each record type's address pattern
(``record_url_pattern``), choices' labels, countries' names in the request's language, the
request's language itself and DRF's way of writing a moment. The brief builders of each
app (``cities.api.briefs``, ``sources.api.briefs``) take one and make their records with
it; builders of one request share one. The address patterns and the labels do not change
between requests either (the same host and script prefix, the same language): they are
made once per process (a page of exchanges looked up seven patterns and four choices'
labels, some 0.5 ms of every request).
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone
from django.utils.translation import get_language
from django_countries.serializer_fields import CountryField

from utilities.languages import is_chinese
from utilities.views import country_names

from .flat_rows import labels, moments
from .serializers import absolute_url, record_url_pattern

# The country field of every brief record (``utilities.api.fields.CountryField`` reads the
# same): it names a code outside the list of countries, as the serializers do.
COUNTRY_FIELD = CountryField(country_dict=True)

# ``{(view name, scheme and host, script prefix, URL configuration): (start, end)}``: what a
# record's address depends on (``record_url_pattern``). Emptied when full: a host may be
# any port of an allowed name.
URL_PATTERNS = {}
URL_PATTERNS_KEPT = 256
# ``{(model, field name, language): {value: label}}``: a choice field's labels are the
# code's and its translations', fixed while the process runs.
LABELS = {}


@receiver(setting_changed)
def _forget_kept(**kwargs):
    """A test's changed settings (URL configuration, languages, translations) may change
    both: Django empties its own URL and translation caches on the same signal."""
    URL_PATTERNS.clear()
    LABELS.clear()


class RecordValues:
    """One request's caches for records made from plain values (never written by a
    builder: what a builder makes per record it keeps itself)."""

    def __init__(self, request):
        self.request = request
        self.language = get_language()
        self.chinese = is_chinese()
        # ``serializers.DateTimeField().to_representation`` in the request's time zone.
        self.moment = moments(timezone.get_current_timezone())
        self.countries = country_names(self.language)
        user = getattr(request, "user", None)
        # Who sees what only staff see (a relationship's national-rule warnings).
        self.staff = bool(user and user.is_authenticated and user.is_staff)
        self._address = None
        self._country_dicts = {}

    def url_pattern(self, view_name):
        """``(start, end)`` of a record's address, its key going between."""
        if self._address is None:
            # The scheme and host (as ``record_url_pattern`` writes them: none without a
            # request), then what ``reverse()`` reads.
            self._address = (
                absolute_url(self.request, "/"),
                get_script_prefix(),
                # A request's own URL configuration, else the settings' (which a test may
                # override).
                get_urlconf() or settings.ROOT_URLCONF,
            )
        key = (view_name, *self._address)
        pattern = URL_PATTERNS.get(key)
        if pattern is None:
            if len(URL_PATTERNS) >= URL_PATTERNS_KEPT:
                URL_PATTERNS.clear()
            pattern = URL_PATTERNS[key] = record_url_pattern(self.request, view_name)
        return pattern

    def labels(self, model, name):
        """``{value: label}`` of a choice field in the request's language
        (``get_<name>_display``: a value without a label is itself; use ``.get``).
        Shared: never written."""
        key = (model, name, self.language)
        found = LABELS.get(key)
        if found is None:
            found = LABELS[key] = labels(model, name)
        return found

    def name(self, chinese, english):
        """A record's display name in the request's language (Chinese without English:
        ``utilities.languages.chinese_unless_english``)."""
        return chinese if self.chinese or not english else english

    def country(self, code):
        """A stored country code as the country field gives it: ``{"code", "name"}``, the
        name in the request's language; ``""`` for no code or a code the list of
        countries does not hold (DRF's ``CountryField``). Shared: never written."""
        found = self._country_dicts.get(code)
        if found is None:
            name = self.countries.get(code)
            if name is not None:
                found = {"code": code, "name": name}
            else:  # not a code as the list holds it: as the field reads it
                found = COUNTRY_FIELD.to_representation(code) if code else ""
            self._country_dicts[code] = found
        return found
