"""The site-wide search app (one box for places, relationships, exchanges and awards; no
models)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("全站搜索")
