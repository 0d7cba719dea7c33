"""The Atom feed of open partner-seeking notices, newest posted first (Chinese at
``/notices/feed/``, English under ``/en/``), as the registry's other feeds
(``sister_cities.feeds``)."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from .models import Notice

LATEST = 50


class OpenNoticesFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("寻找友城启事 · 国际友好城市登记册")

    def subtitle(self):
        return _("各地外办寻找国际友好城市的启事（征集中）。")

    def link(self):
        return reverse("notices:notice_list")

    def items(self):
        return (
            Notice.objects.open()
            .select_related("chinese_place")
            .order_by("-posted", "-created", "-pk")[:LATEST]
        )

    def item_title(self, item):
        return item.display_title()

    def item_description(self, item):
        return _("%(place)s寻找%(kind)s，截止 %(date)s。") % {
            "place": item.chinese_place,
            "kind": item.get_kind_display(),
            "date": item.until.isoformat(),
        }

    def item_pubdate(self, item):
        return item.created

    def item_updateddate(self, item):
        return item.last_updated
