"""An office account: the staff account of a foreign-affairs office and its Chinese city.

The model sits below the places it points to: the city is ``"cities.Place"`` by name, and
the rule (``offices.rules``) reaches the place tree through the place's own manager.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from utilities.concurrency import VersionedModel
from utilities.countries import CHINA


class Office(VersionedModel):
    """A staff account's foreign-affairs office: the Chinese city whose records (and those
    of the places inside it) the account may change."""

    user = models.OneToOneField(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="office",
        verbose_name=_("用户"),
    )
    place = models.ForeignKey(
        to="cities.Place",
        on_delete=models.PROTECT,
        related_name="offices",
        verbose_name=_("城市"),
    )

    # Who may change which city's records is itself part of the record. The tables keep
    # the names they had when offices lived in the cities app (no data moved).
    history = HistoricalRecords(table_name="cities_historicaloffice")

    class Meta:
        db_table = "cities_office"
        ordering = ["place", "user"]
        verbose_name = _("外办账号")
        verbose_name_plural = _("外办账号")

    def __str__(self):
        return f"{self.user} ({self.place})"

    def clean(self):
        if self.place_id and self.place.country != CHINA:
            raise ValidationError({"place": _("外办须属于中国城市。")})
