"""The public site's sitemap (``/sitemap.xml``, an index of one section per kind of page):
every page in Chinese and in English, each naming its other language (``hreflang``
alternates and ``x-default``, the Chinese address). Records are read with ``.only()`` the
fields their address and date need, 5,000 addresses to a section page."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

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
    limit = 5000


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


class RecordSitemap(BilingualSitemap):
    """The pages of one model's records, dated by their last change."""

    model = None
    fields = ("pk",)

    def items(self):
        return self.model.objects.only(*self.fields, "last_updated").order_by("pk")

    def lastmod(self, item):
        return item.last_updated


class PlaceSitemap(RecordSitemap):
    model = Place
    fields = ("pk", "slug")


class RelationshipSitemap(RecordSitemap):
    model = Relationship


class ExchangeSitemap(RecordSitemap):
    model = Exchange


class AwardSitemap(RecordSitemap):
    model = Award


class SourceReportSitemap(RecordSitemap):
    model = SourceReport
    fields = ("pk", "slug")


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
