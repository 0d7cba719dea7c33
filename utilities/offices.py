"""The office rule, in one place for the admin and the API.

A staff user belongs to one foreign-affairs office (a Chinese city). They may change the
records whose Chinese side is that city or a place inside it (Pingyao County belongs to
Jinzhong's office) and only view the rest; superusers change everything. Each model names
the path to its Chinese side in ``office_lookup`` (``"chinese_place"``,
``"relationship__chinese_place"``, ``"pk"`` for a place itself) and may mark rows every
office shares in ``office_shared`` (foreign places: any office may add a new partner).
Models without ``office_lookup`` (award types, fields of cooperation) are reference data
that only superusers change.
"""

from django.db.models import Q

from utilities.trees import nests_in


def office_of(user):
    """The Chinese place of the user's office, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    office = getattr(user, "office", None) if hasattr(user, "office") else None
    return office.place if office else None


def _walk(instance, lookup):
    if lookup == "pk":
        return instance
    value = instance
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def office_q(model, place):
    """The rows of ``model`` that the office of ``place`` may change."""
    from cities.models import Place

    lookup = model.office_lookup
    condition = Q(**{f"{lookup}__in": Place.objects.within(place).values("pk")})
    shared = getattr(model, "office_shared", None)
    return condition | shared if shared is not None else condition


def changeable(queryset, user):
    """Narrow a queryset to the rows the user may change (all of them for a superuser)."""
    if getattr(user, "is_superuser", False):
        return queryset
    place = office_of(user)
    model = queryset.model
    if place is None or not hasattr(model, "office_lookup"):
        return queryset.none()
    return queryset.filter(office_q(model, place))


def can_change(user, instance):
    """Whether the user may write this record: an existing one must be in the office as
    stored and as it would be saved, so an office cannot move a record out of its city or
    take over another's."""
    from cities.models import CHINA, Place

    if getattr(user, "is_superuser", False):
        return True
    place = office_of(user)
    model = type(instance)
    if place is None or not hasattr(model, "office_lookup"):
        return False
    stored = model.objects.filter(pk=instance.pk) if instance.pk else None
    if (
        stored is not None
        and stored.exists()
        and not stored.filter(office_q(model, place)).exists()
    ):
        return False
    chinese_side = _walk(instance, model.office_lookup)
    if (
        not isinstance(chinese_side, Place)
        or chinese_side.pk is None
        and chinese_side is not instance
    ):
        return False
    if getattr(model, "office_shared", None) is not None and chinese_side.country != CHINA:
        return True
    if chinese_side is instance:
        # A place itself: judge it by its parents as they would be saved (a new county
        # under the office's city; not a district moved under another city), any depth.
        return nests_in(instance, place)
    return Place.objects.within(place).filter(pk=chinese_side.pk).exists()
