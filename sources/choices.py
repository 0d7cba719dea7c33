"""Choices for source reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Script(models.TextChoices):
    SIMPLIFIED = "simplified", _("简体")
    TRADITIONAL = "traditional", _("繁体")


class SourceKind(models.TextChoices):
    """What a source is: the registry began with municipal reports; a claim may rest on
    the agreement itself, the partner's own publication, a national roll or the news."""

    MUNICIPAL_REPORT = "municipal_report", _("外办报告")
    AGREEMENT = "agreement", _("协议文本")
    PARTNER_PUBLICATION = "partner_publication", _("外方发布")
    NATIONAL_ROLL = "national_roll", _("全国名录")
    NEWS = "news", _("新闻报道")
