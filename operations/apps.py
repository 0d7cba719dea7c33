from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from utilities.generation import watch_registry

from . import warming


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("运行维护")

    def ready(self):
        # Every write to a registry model raises the generation the read cache keys on, and
        # those of the tables it wrote.
        watch_registry()
        # A write's heaviest pages made again once its answer is sent.
        warming.connect()
