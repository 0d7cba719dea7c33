"""Throttling of anonymous API clients (``API_ANON_RATE``, default 600 requests a minute).

DRF reads its rates once, when the throttle class is defined; this one reads them for each
request, so that a settings override (in tests, or a changed environment) takes effect.
Kept apart from the viewsets because settings name it and DRF imports it early.
"""

from rest_framework import throttling
from rest_framework.settings import api_settings


class AnonymousRateThrottle(throttling.AnonRateThrottle):
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
