"""The office rule, in one place for every write path.

A staff user belongs to one foreign-affairs office (a Chinese city). They may change the
records whose Chinese side is that city or a place inside it, at any depth (Pingyao County
belongs to Jinzhong's office) and only view the rest; superusers change everything.

Each model declares its own part:

- ``office_lookup``: the path to its Chinese side (``"chinese_place"``,
  ``"relationship__chinese_place"``, ``"pk"`` for a place itself). Models that declare it
  are "office-kept"; they are found in the app registry (:func:`office_models`), never
  listed by hand.
- ``office_shared``: a ``Q`` for the rows every office shares (foreign places: any office
  may add or correct a partner).
- ``office_reference = True``: reference data (award types, fields of cooperation) that
  offices read and only superusers change.
- ``office_free_choice = True``: rows any office may pick in a form although it cannot
  change them (a citation: attaching a quote does not change it).

:func:`restrict` is the one entry point for "which of these rows may this user change"
(as NetBox's ``RestrictedQuerySet.restrict``); :func:`can_change` judges one record as
stored and as it would be saved; :func:`can_delete` adds the one rule of deletion;
:func:`refusal` is the one wording of a refusal. The admin, inlines, import, history
revert and the API all call these.

Shared foreign places are shared safely: any office may add a foreign place and correct
its names and coordinates, but none may make it Chinese, move it under a Chinese place or
delete it while another office's records use it (:func:`other_offices_using`). An office
whose records use a place may restore it to a foreign place even when another office has
taken it (a revert of that change).
"""

from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from utilities.countries import CHINA
from utilities.trees import nests_in

REFUSAL = _("你所在的外办（%(office)s）只能修改本市及下辖地方的记录。")
NO_OFFICE = _("你的账号不属于任何外办，只能查看记录。")
SHARED_PLACE = _(
    "这个外国地方也是其他外办（%(offices)s）记录中的伙伴：不能把它改为中国地方、"
    "移到中国地方之下或删除。需要时请联系这些外办或系统管理员。"
)


def office_of(user):
    """The Chinese place of the user's office, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    office = getattr(user, "office", None) if hasattr(user, "office") else None
    return office.place if office else None


def refusal(user, instance=None):
    """Why this user may not change (or delete) a record: the one wording every surface
    shows. A shared foreign place that other offices use says which."""
    place = office_of(user)
    if place is None:
        return NO_OFFICE
    if instance is not None and _is_shared_place(type(instance)) and instance.pk:
        stored = type(instance)._base_manager.filter(pk=instance.pk).first()
        if stored is not None and not stored.is_chinese:
            offices = other_offices_using(stored, user)
            if offices:
                return SHARED_PLACE % {"offices": "、".join(offices)}
    return REFUSAL % {"office": place.display_name()}


def _is_shared_place(model):
    return (
        is_office_kept(model)
        and model.office_lookup == "pk"
        and getattr(model, "office_shared", None) is not None
    )


def partner_relations(place_class):
    """(model, field name) of every office-kept record's reference to a partner place,
    found from the place model's relations (a relationship's foreign place, an exchange's
    places, an award's recipient place), never listed by hand."""
    result = []
    for relation in place_class._meta.related_objects:
        model = relation.related_model
        if not is_office_kept(model) or getattr(model, "office_shared", None) is not None:
            continue
        if relation.field.name != office_field(model):  # not the record's Chinese side
            result.append((model, relation.field.name))
    return result


def place_users(place):
    """The records that use ``place`` as a partner: pairs of (model, queryset)."""
    return [
        (model, model._default_manager.filter(**{name: place}))
        for model, name in partner_relations(type(place))
    ]


def partners_of(office_place):
    """The pks of the places the records of ``office_place``'s office use as partners."""
    ids = set()
    for model, name in partner_relations(type(office_place)):
        rows = model._default_manager.filter(office_q(model, office_place))
        # ``__isnull=False`` joins the partner column; ``exclude(name=None)`` on a
        # many-to-many (an exchange's places) was a correlated NOT EXISTS per row.
        rows = rows.filter(**{f"{name}__isnull": False}).order_by()
        ids.update(rows.values_list(name, flat=True).distinct())
    return ids


def other_offices_using(place, user):
    """The Chinese places (names) of the other offices whose records use ``place``."""
    own = office_of(user)
    names = set()
    for model, rows in place_users(place):
        if own is not None:
            rows = rows.exclude(office_q(model, own))
        names.update(rows.values_list(f"{model.office_lookup}__name_zh", flat=True).distinct())
    return sorted(name for name in names if name)


def used_by_office(place, user):
    """Whether records of the user's office use ``place`` as a partner."""
    own = office_of(user)
    if own is None:
        return False
    return any(rows.filter(office_q(model, own)).exists() for model, rows in place_users(place))


def _becomes_chinese(instance):
    if instance.country == CHINA:
        return True
    parent = getattr(instance, "parent", None)
    return parent is not None and parent.country == CHINA


def is_office_kept(model):
    """Whether offices keep rows of this model (it declares ``office_lookup``)."""
    return hasattr(model, "office_lookup")


def office_models():
    """Every office-kept model in the project, from the app registry."""
    return [model for model in apps.get_models() if is_office_kept(model)]


def reference_models():
    """Reference data every office reads and only superusers change."""
    return [model for model in apps.get_models() if getattr(model, "office_reference", False)]


def office_field(model):
    """The form field that carries a record's Chinese side (``chinese_place``,
    ``report`` for a citation, ``relationship`` for a stage), or None for a place itself."""
    if not is_office_kept(model) or model.office_lookup == "pk":
        return None
    return model.office_lookup.split("__")[0]


def place_model(model):
    """The place model at the end of ``model.office_lookup``."""
    if model.office_lookup == "pk":
        return model
    for part in model.office_lookup.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def office_q(model, place):
    """The rows of ``model`` that the office of ``place`` may change."""
    inside = type(place)._default_manager.within(place).values("pk")
    condition = Q(**{f"{model.office_lookup}__in": inside})
    shared = getattr(model, "office_shared", None)
    return condition | shared if shared is not None else condition


def restrict(queryset, user):
    """The rows of ``queryset`` the user may change (all of them for a superuser)."""
    if getattr(user, "is_superuser", False):
        return queryset
    place = office_of(user)
    model = queryset.model
    if place is None or not is_office_kept(model):
        return queryset.none()
    return queryset.filter(office_q(model, place))


def choices(queryset, user, source_model):
    """The rows a user may pick in a field of ``source_model``: records of their own office
    (foreign places are shared) when both sides are office-kept; rows the target model
    marks ``office_free_choice`` are never narrowed."""
    target = queryset.model
    if not is_office_kept(source_model) or not is_office_kept(target):
        return queryset
    if getattr(target, "office_free_choice", False):
        return queryset
    return restrict(queryset, user)


def _walk(instance, lookup):
    if lookup == "pk":
        return instance
    value = instance
    for part in lookup.split("__"):
        value = getattr(value, part, None)
        if value is None:
            return None
    return value


def can_change(user, instance):
    """Whether the user may write this record: an existing one must be in the office as
    stored and as it would be saved, so an office cannot move a record out of its city or
    take over another's."""
    if getattr(user, "is_superuser", False):
        return True
    place = office_of(user)
    model = type(instance)
    if place is None or not is_office_kept(model):
        return False
    stored = model.objects.filter(pk=instance.pk) if instance.pk else None
    if _is_shared_place(model) and stored is not None:
        current = stored.first()
        if current is not None and not current.is_chinese and _becomes_chinese(instance):
            if other_offices_using(current, user):
                return False  # a partner of other offices stays theirs too
        if (
            current is not None
            and current.is_chinese
            and not stored.filter(office_q(model, place)).exists()
        ):
            # Taken by another office: an office whose records use it may put it back.
            return not _becomes_chinese(instance) and used_by_office(current, user)
    if (
        stored is not None
        and stored.exists()
        and not stored.filter(office_q(model, place)).exists()
    ):
        return False
    chinese_side = _walk(instance, model.office_lookup)
    if (
        not isinstance(chinese_side, place_model(model))
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
    return type(place)._default_manager.within(place).filter(pk=chinese_side.pk).exists()


def can_delete(user, instance):
    """Whether the user may delete this record: as :func:`can_change`, and a foreign place
    other offices' records use is theirs too."""
    if not can_change(user, instance):
        return False
    if getattr(user, "is_superuser", False) or not _is_shared_place(type(instance)):
        return True
    return instance.is_chinese or not other_offices_using(instance, user)
