"""Atom feeds of what is new in the registry: relationships and exchanges as they are
recorded, the whole registry's and a Chinese place's (with the places inside it: a
city's feed carries its districts' and counties'). They live in the public site's URLs,
so each answers in Chinese at its unprefixed address and in English under ``/en/``."""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from cities.models import Place, Relationship
from exchanges.models import Exchange

LATEST = 50


class RegistryFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug=None):
        if slug is None:
            return None
        return get_object_or_404(Place.objects.chinese(), slug=slug)

    def link(self, place):
        return place.get_absolute_url() if place else reverse(self.directory)

    def recorded(self, place):
        """The feed's records, for the whole registry or inside ``place``."""
        queryset = self.model.objects.all()
        if place is not None:
            queryset = queryset.filter(chinese_place__in=Place.objects.within(place).values("pk"))
        return queryset

    def items(self, place):
        return self.rows(self.recorded(place)).order_by("-created", "-pk")[:LATEST]

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.last_updated


class NewRelationshipsFeed(RegistryFeed):
    """Relationships, newest recorded first."""

    model = Relationship
    directory = "cities:relationship_list"

    def title(self, place):
        if place:
            return _("%(place)s：新的友好关系 · 国际友好城市登记册") % {"place": place}
        return _("新的友好关系 · 国际友好城市登记册")

    def subtitle(self, place):
        return _("登记册新记录的国际友好城市和友好交流城市关系。")

    def rows(self, queryset):
        return queryset.select_related("chinese_place", "foreign_place")

    def item_title(self, item):
        return str(item)

    def item_description(self, item):
        return _("%(kind)s，%(country)s；阶段：%(stage)s。") % {
            "kind": item.get_kind_display(),
            "country": item.foreign_place.country.name,
            "stage": item.get_stage_display(),
        }


class NewExchangesFeed(RegistryFeed):
    """Exchanges, newest recorded first."""

    model = Exchange
    directory = "exchanges:exchange_list"

    def title(self, place):
        if place:
            return _("%(place)s：新的交流项目 · 国际友好城市登记册") % {"place": place}
        return _("新的交流项目 · 国际友好城市登记册")

    def subtitle(self, place):
        return _("登记册新记录的友好城市交流项目。")

    def rows(self, queryset):
        return queryset.select_related("chinese_place")

    def item_title(self, item):
        return item.display_title()

    def item_description(self, item):
        return _("%(kind)s，%(place)s。") % {
            "kind": item.get_kind_display(),
            "place": item.chinese_place,
        }
