"""The ``citations`` field of every cited record's serializer: written as a list of citation
ids, read back as each citation's brief form (its quote and report)."""

from sources.models import Citation
from utilities.api.fields import BriefRelatedField

from .briefs import CitationBriefSerializer


def citations_field():
    """A cited record's ``citations``: ids in, brief citations out."""
    return BriefRelatedField(
        CitationBriefSerializer, many=True, queryset=Citation.objects.all(), required=False
    )
