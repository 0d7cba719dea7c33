"""The brief form of an award type, embedded in awards and in its successors."""

from awards.models import AwardType
from utilities.api.serializers import BriefSerializer


class AwardTypeBriefSerializer(BriefSerializer):
    class Meta:
        model = AwardType
        fields = ["id", "url", "display", "name_zh", "name_en", "level", "status"]
