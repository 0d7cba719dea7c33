"""The loader app: ``load_registry`` loads the registry from the fixtures, keeping track of
which row each fixture record is, so that staff's edits, deletions and own records are
never overwritten, resurrected or taken over."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoaderConfig(AppConfig):
    name = "loader"
    verbose_name = _("数据装载")
