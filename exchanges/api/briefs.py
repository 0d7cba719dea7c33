"""The brief form of an exchange, embedded in other records."""

from exchanges.models import Exchange
from utilities.api.serializers import BriefSerializer


class ExchangeBriefSerializer(BriefSerializer):
    class Meta:
        model = Exchange
        fields = ["id", "url", "display", "title_zh", "title_en", "kind"]
