"""API viewset for partner-seeking notices."""

from notices.filtersets import NoticeFilterSet
from notices.models import Notice
from offices.api import OfficeViewSet
from utilities.api.views import TIMESTAMPS

from . import serializers


class NoticeViewSet(OfficeViewSet):
    """Partner-seeking notices: what partner an office seeks (countries or regions, size,
    fields of cooperation, kind), whom to contact and until when. Lists show open notices
    unless `status=closed` or `status=all`: a notice closes itself after its `until` date.
    An office posts and changes only its own city's (and the places inside it)."""

    queryset = Notice.objects.select_related("chinese_place").prefetch_related("fields")
    serializer_class = serializers.NoticeSerializer
    filterset_class = NoticeFilterSet
    ordering_fields = {"posted": ["posted"], "until": ["until"], **TIMESTAMPS}
