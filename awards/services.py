"""Writes on award types that the admin, the API and commands share: an office's proposal,
and a superuser's confirmation, renaming and merging. Each is atomic, and every record it
touches gets a history row with the acting user and a reason."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import AwardTypeStatus
from .models import ALIAS_TAKEN, AwardType, AwardTypeAlias

SUPERUSERS_ONLY = gettext_lazy("只有系统管理员可以确认、改名或合并奖项类型。")


def _require_superuser(user):
    if not getattr(user, "is_superuser", False):
        raise PermissionDenied(str(SUPERUSERS_ONLY))


def _stamp(instance, user, reason):
    instance._history_user = user
    instance._change_reason = reason[:100]


def prepare_award_type(award_type, user):
    """Before any save of an award type by ``user``: a new type from anyone but a superuser
    is a proposal, whatever the form or body said."""
    if award_type.pk is None and not getattr(user, "is_superuser", False):
        award_type.status = AwardTypeStatus.PROPOSED
        award_type.proposed_by = user if getattr(user, "pk", None) else None
    return award_type


@transaction.atomic
def confirm_award_types(award_types, user):
    """Confirm proposed types; returns how many changed."""
    _require_superuser(user)
    count = 0
    for award_type in award_types:
        if award_type.status != AwardTypeStatus.CONFIRMED:
            award_type.status = AwardTypeStatus.CONFIRMED
            _stamp(award_type, user, _("确认奖项类型"))
            award_type.save()
            count += 1
    return count


@transaction.atomic
def rename_award_type(award_type, name_zh, user, *, name_en=None, keep_alias=True):
    """Rename a type; the old Chinese name stays as an alias (search still finds it)
    unless ``keep_alias`` is false."""
    _require_superuser(user)
    old = award_type.name_zh
    name_zh = name_zh.strip()
    if name_zh == old and name_en is None:
        return award_type
    AwardTypeAlias.objects.filter(award_type=award_type, name=name_zh).delete()
    award_type.name_zh = name_zh
    if name_en is not None:
        award_type.name_en = name_en
    award_type.full_clean()
    _stamp(award_type, user, _("改名：%(old)s → %(new)s") % {"old": old, "new": name_zh})
    award_type.save()
    if keep_alias:
        keep_old_name(award_type, old, user)
    return award_type


def keep_old_name(award_type, old, user):
    """After a rename: the old name becomes an alias, so search and pickers still find
    it (and the new name, if it was an alias, is one no longer)."""
    AwardTypeAlias.objects.filter(award_type=award_type, name=award_type.name_zh).delete()
    if old and old != award_type.name_zh and not award_type.aliases.filter(name=old).exists():
        alias = AwardTypeAlias(award_type=award_type, name=old, note=_("改名前的名称"))
        _stamp(alias, user, _("改名前的名称"))
        alias.save()


@transaction.atomic
def merge_award_types(source, target, user):
    """Merge ``source`` into ``target`` (the same award): its awards move to ``target``,
    its names become ``target``'s aliases, its successors point to ``target``, and
    ``source`` is deleted. Each award keeps its citation, so the report's own wording
    stays; the history of every award and of ``source`` (deleted) is kept. Returns the
    number of awards moved."""
    _require_superuser(user)
    if source.pk == target.pk:
        raise ValidationError({"merge_into": _("不能把奖项类型合并到它自己。")})
    if target.predecessor_id == source.pk:
        raise ValidationError({"merge_into": _("目标是此奖项的后继（改名后的奖项），不能合并。")})
    reason = _("合并：%(source)s → %(target)s") % {
        "source": source.name_zh,
        "target": target.name_zh,
    }
    moved = 0
    for award in source.awards.all():
        award.award_type = target
        _stamp(award, user, reason)
        award.save()
        moved += 1
    for successor in source.successors.all():
        successor.predecessor = target
        _stamp(successor, user, reason)
        successor.save()
    names = [source.name_zh, *source.aliases.values_list("name", flat=True)]
    if target.status != AwardTypeStatus.CONFIRMED and source.status == AwardTypeStatus.CONFIRMED:
        target.status = AwardTypeStatus.CONFIRMED
    for field in ("name_en", "conferred_by_zh", "conferred_by_en"):
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
    _stamp(target, user, reason)
    target.save()
    _stamp(source, user, reason)
    source.delete()  # its aliases go with it (cascade) and come back on the target
    note = _("由“%(name)s”合并而来") % {"name": source.name_zh}
    for name in names:
        if name != target.name_zh and not target.aliases.filter(name=name).exists():
            alias = AwardTypeAlias(award_type=target, name=name, note=note[:200])
            _stamp(alias, user, reason)
            alias.save()
    return moved


def alias_errors(award_type, name_zh, aliases):
    """Why ``aliases`` cannot be ``award_type``'s other spellings (a name of another type
    or its alias, or its own name), as a list of messages; empty when they can."""
    errors = []
    own = award_type.pk if award_type is not None else None
    for alias in aliases:
        alias = alias.strip()
        if not alias:
            errors.append(str(_("别名不能为空。")))
        elif alias == name_zh:
            errors.append(str(_("别名与奖项名称相同。")))
        else:
            other = AwardType.objects.filter(name_zh=alias).exclude(pk=own).first()
            if other is None:
                taken = AwardTypeAlias.objects.filter(name=alias).exclude(award_type_id=own)
                other = getattr(taken.select_related("award_type").first(), "award_type", None)
            if other is not None:
                errors.append(
                    str(ALIAS_TAKEN % {"name": alias, "award_type": other.display_name()})
                )
    return errors


@transaction.atomic
def set_aliases(award_type, aliases, user):
    """Make ``aliases`` exactly the type's other spellings."""
    wanted = {alias.strip() for alias in aliases if alias.strip()}
    for alias in award_type.aliases.exclude(name__in=wanted):
        _stamp(alias, user, _("删除别名"))
        alias.delete()
    have = set(award_type.aliases.values_list("name", flat=True))
    for name in sorted(wanted - have):
        alias = AwardTypeAlias(award_type=award_type, name=name)
        alias.full_clean()
        _stamp(alias, user, _("添加别名"))
        alias.save()
