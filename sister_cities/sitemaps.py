"""The public site's sitemap (``/sitemap.xml``, an index of one section per kind of page):
every page in Chinese and in English, each naming its other language (``hreflang``
alternates and ``x-default``, the Chinese address). Records are read with ``.only()`` the
fields their address and date need, 1,000 addresses to a section page."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse
from django.utils import translation
from django.utils.functional import cached_property

from awards.models import Award
from cities.models import Place, Relationship
from exchanges.models import Exchange
from notices.models import Notice
from sources.models import SourceReport
from utilities.countries import NOT_PARTNER_COUNTRIES


class BilingualSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    # 1,000 addresses (500 records in two languages) to a section page: about 0.4 s of
    # rendering at most, where 5,000 took 2 s.
    limit = 1000


class DirectorySitemap(BilingualSitemap):
    """The home page, the directories and the map."""

    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "home",
            "cities:relationship_list",
            "cities:place_list",
            "exchanges:exchange_list",
            "awards:award_list",
            "sources:sourcereport_list",
            "cities:map",
            "notices:notice_list",
            "exchanges:activity_ranking",
        ]

    def location(self, item):
        return reverse(item)


class InEveryLanguage:
    """The ``(record, language)`` pairs of an ordered queryset, every record in each
    language, read a page at a time.

    Django's i18n sitemap builds the list of all pairs before it paginates, so every
    section page and the index read every record (500,000 exchanges: 25 s a request); the
    paginator needs only a count and a slice, which this gives from the queryset."""

    def __init__(self, queryset, languages):
        self.queryset = queryset
        self.languages = list(languages)

    def count(self):
        return self.queryset.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("only a slice of consecutive pairs can be read")
        start, stop, _step = index.indices(self.count())
        width = len(self.languages)
        first = start // width
        records = self.queryset[first : -(-stop // width)] if stop > start else []
        pairs = [(record, language) for record in records for language in self.languages]
        return pairs[start - first * width : stop - first * width]


class RecordSitemap(BilingualSitemap):
    """The pages of one model's records, dated by their last change."""

    model = None
    fields = ("pk",)
    # The field the record's address is made of, and a value of its form that no record's
    # address holds: each language's address is reversed once, for this stand-in.
    address_key, stand_in = "pk", 987654321987654

    def items(self):
        return self.model.objects.only(*self.fields, "last_updated").order_by("pk")

    def _items(self):
        return InEveryLanguage(self.items(), self._languages())

    def location(self, item):
        # ``get_absolute_url`` reverses once per record and language (the larger half of a
        # 5,000-address page's time); the stand-in's address, per language, is the same
        # text with the key in its place.
        language = translation.get_language()
        pattern = self.patterns.get(language)
        if pattern is None:
            stand_in = self.model(**{self.address_key: self.stand_in})
            pattern = self.patterns[language] = stand_in.get_absolute_url()
        return pattern.replace(str(self.stand_in), str(getattr(item, self.address_key)), 1)

    @cached_property
    def patterns(self):
        return {}

    def lastmod(self, item):
        return item.last_updated

    def get_latest_lastmod(self):
        # The index's date of this section: one aggregate, where Django's default calls
        # ``lastmod`` on every record (500,000 exchanges read as objects, 25 s).
        return self.items().order_by().aggregate(latest=Max("last_updated"))["latest"]


class PlaceSitemap(RecordSitemap):
    model = Place
    fields = ("pk", "slug")
    address_key, stand_in = "slug", "stand-in-987654321"


class RelationshipSitemap(RecordSitemap):
    model = Relationship


class ExchangeSitemap(RecordSitemap):
    model = Exchange


class AwardSitemap(RecordSitemap):
    model = Award


class SourceReportSitemap(RecordSitemap):
    model = SourceReport
    fields = ("pk", "slug")
    address_key, stand_in = "slug", "stand-in-987654321"


class NoticeSitemap(RecordSitemap):
    """Open partner-seeking notices (a closed one's page stays, but is no longer listed)."""

    model = Notice

    def items(self):
        return super().items().open()


class CountrySitemap(BilingualSitemap):
    """A page per partner country that has a place in the registry (``/countries/jp/``)."""

    changefreq = "weekly"

    def items(self):
        codes = Place.objects.order_by("country").values_list("country", flat=True).distinct()
        return [code.lower() for code in codes if code and code not in NOT_PARTNER_COUNTRIES]

    def location(self, item):
        return reverse("cities:country", args=[item])


SITEMAPS = {
    "directories": DirectorySitemap,
    "places": PlaceSitemap,
    "countries": CountrySitemap,
    "relationships": RelationshipSitemap,
    "exchanges": ExchangeSitemap,
    "awards": AwardSitemap,
    "reports": SourceReportSitemap,
    "notices": NoticeSitemap,
}
