"""Choices for exchanges."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeKind(models.TextChoices):
    PROJECT = "project", _("合作项目")
    EVENT = "event", _("活动")
    DELEGATION = "delegation", _("代表团互访")
    TRAINING = "training", _("培训")
    OFFICE = "office", _("办事处")
    CONFERENCE = "conference", _("会议")
    EXPERTS = "experts", _("专家与人员派遣")
    EXHIBITION = "exhibition", _("展览")
