from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from utilities.country_fields import install_country_order


class CitiesConfig(AppConfig):
    name = "cities"
    verbose_name = _("友好城市")

    def ready(self):
        # Country lists in pinyin order in Chinese (utilities.country_fields).
        install_country_order()
