"""Choices for source reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Script(models.TextChoices):
    SIMPLIFIED = "simplified", _("简体")
    TRADITIONAL = "traditional", _("繁体")
