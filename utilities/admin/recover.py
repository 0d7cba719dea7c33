"""Deleted records come back: a "recover deleted" list and view for every admin whose
model keeps a history (django-simple-history keeps the last state of a deleted record,
but its admin offers no way back).

:func:`restore_deleted` puts a deleted record back as it was when deleted, with the same
primary key, its many-to-many links as they were before the deletion (targets that still
exist), and the rows deleted with it through ``CASCADE`` (a relationship's stages), each
with their own links. Who may restore is the admin's own rule: whoever may add records of
the model and change this one (for the registry: superusers and the owning office).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

# Rows deleted "with" a record: their deletion history within this time of its own.
CASCADE_WINDOW = datetime.timedelta(seconds=30)
RESTORED = _("从删除记录恢复")


def deleted_rows(model):
    """The last deletion row of each record that is not in the table now, newest first."""
    pk_name = model._meta.pk.attname
    rows = (
        model.history.filter(history_type="-")
        .exclude(**{f"{pk_name}__in": model._base_manager.values("pk")})
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
    seen, result = set(), []
    for row in rows[:500]:
        key = getattr(row, pk_name)
        if key not in seen:
            seen.add(key)
            result.append(row)
    return result


def _links_before(model, row):
    """The many-to-many links of the record in its last version before the deletion
    (the deletion row itself is written after Django removed them)."""
    pk_name = model._meta.pk.attname
    before = (
        model.history.filter(**{pk_name: getattr(row, pk_name)}, history_date__lte=row.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    links = {}
    for field in getattr(row, "_history_m2m_fields", []):
        if before is None:
            continue
        target = get_m2m_reverse_field_name(field)
        ids = [getattr(link, f"{target}_id") for link in getattr(before, field.name).all()]
        links[field.name] = list(
            field.related_model._base_manager.filter(pk__in=ids).values_list("pk", flat=True)
        )
    return links


def restore_deleted(model, row, user=None, reason=None):
    """Put the record of deletion ``row`` back, with its links and the rows deleted with
    it. Returns the restored record."""
    reason = str(reason or RESTORED)
    with transaction.atomic():
        instance = row.instance
        instance._history_user = user
        instance._change_reason = reason
        instance.save(force_insert=True)
        for name, ids in _links_before(model, row).items():
            getattr(instance, name).set(ids)
        for relation in model._meta.related_objects:
            child = relation.related_model
            if relation.on_delete is not models.CASCADE or not hasattr(child, "history"):
                continue
            if relation.many_to_many or not relation.field.concrete:
                continue
            children = child.history.filter(
                **{relation.field.attname: instance.pk},
                history_type="-",
                history_date__gte=row.history_date - CASCADE_WINDOW,
                history_date__lte=row.history_date + CASCADE_WINDOW,
            )
            for child_row in deleted_rows_among(child, children):
                restore_deleted(child, child_row, user, reason)
    return instance


def deleted_rows_among(model, rows):
    pk_name = model._meta.pk.attname
    existing = set(
        model._base_manager.filter(pk__in=[getattr(row, pk_name) for row in rows]).values_list(
            "pk", flat=True
        )
    )
    seen, result = set(existing), []
    for row in rows.order_by("-history_date", "-history_id"):
        key = getattr(row, pk_name)
        if key not in seen:
            seen.add(key)
            result.append(row)
    return result


def recover_url(model, pk):
    """The restore page of the latest deletion of record ``pk``, or None."""
    row = (
        model.history.filter(**{model._meta.pk.attname: pk}, history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if row is None:
        return None
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_recover", args=[row.history_id])


class RecoverAdminMixin:
    """``recover/`` lists the deleted records of the model; ``recover/<history_id>/``
    shows one and restores it on POST."""

    recover_list_template = "admin/registry_recover_list.html"
    recover_form_template = "admin/registry_recover_form.html"
    change_list_template = "admin/registry_change_list.html"

    def get_urls(self):
        urls = super().get_urls()
        if not hasattr(self.model, "history"):
            return urls
        opts = self.model._meta
        prefix = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("recover/", view(self.recover_list_view), name=f"{prefix}_recover_list"),
            path("recover/<int:history_id>/", view(self.recover_view), name=f"{prefix}_recover"),
            *urls,
        ]

    def may_restore(self, request, instance):
        return self.has_add_permission(request) and self.has_change_permission(request, instance)

    def recover_context(self, request, **extra):
        opts = self.model._meta
        return {
            **self.admin_site.each_context(request),
            "opts": opts,
            "app_label": opts.app_label,
            **extra,
        }

    def recover_list_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        rows = [(row, self.may_restore(request, row.instance)) for row in deleted_rows(self.model)]
        context = self.recover_context(
            request,
            title=gettext("已删除的%(name)s") % {"name": self.model._meta.verbose_name_plural},
            rows=rows,
        )
        return TemplateResponse(request, self.recover_list_template, context)

    def recover_view(self, request, history_id):
        opts = self.model._meta
        row = get_object_or_404(self.model.history, history_id=history_id, history_type="-")
        instance = row.instance
        if self.model._base_manager.filter(pk=instance.pk).exists():
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk])
            )
        if not self.may_restore(request, instance):
            raise PermissionDenied
        if request.method == "POST":
            try:
                restored = restore_deleted(self.model, row, request.user)
            except IntegrityError:
                messages.error(
                    request,
                    gettext("无法恢复：已有记录与它冲突（可能在删除后重新登记过）。"),
                )
            else:
                messages.success(
                    request,
                    gettext("已恢复“%(record)s”，修改历史中有记录。") % {"record": restored},
                )
                return HttpResponseRedirect(
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[restored.pk])
                )
        context = self.recover_context(
            request,
            title=gettext("恢复已删除的%(name)s") % {"name": opts.verbose_name},
            row=row,
            instance=instance,
            fields=[
                (field.verbose_name, getattr(row, field.attname))
                for field in opts.concrete_fields
                if field.editable and not field.primary_key
            ],
            links=_links_before(self.model, row),
        )
        return TemplateResponse(request, self.recover_form_template, context)
