"""Choices for awards."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    MUNICIPAL = "municipal", _("市级")


class RecipientKind(models.TextChoices):
    PLACE = "place", _("地方")
    PAIR = "pair", _("友好城市双方")
    INDIVIDUAL = "individual", _("个人")
    GROUP = "group", _("多人（仅知人数）")


class AwardTypeStatus(models.TextChoices):
    """An office may propose an award type a report names; a superuser confirms it (or
    merges it into the type it duplicates, or renames it)."""

    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
