"""Small pieces the cities admin modules share: the fields-of-cooperation checkboxes and
a correlated count for changelist columns."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms import CheckboxSelectMultiple

from ..models import Relationship


class CheckboxFieldsMixin:
    """Fields of cooperation as a short list of checkboxes rather than a multi-select."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "fields":
            kwargs["widget"] = CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# The exchange model, reached through its relation to a relationship: cities sits below
# exchanges and does not import it.
EXCHANGES = Relationship._meta.get_field("exchanges").related_model


def count_of(model, field):
    """A correlated count (no join multiplication when several are annotated)."""
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)
