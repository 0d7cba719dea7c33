"""The office check in admin forms: the record as it would be saved, refused with a clear
field error (the one wording of ``offices.rules.refusal``) rather than a refusal page.

The admin builds its form classes per request itself (``modelform_factory``); it sets
``office_user`` and ``office_error_field`` on the class it built
(``offices.admin_mixins``).

A form never writes what the user could not see: a choice field narrowed to the office's
records whose stored value lies outside those choices (a city's province, for the city's
own office) keeps the stored value and is shown read-only, instead of showing empty and
saving NULL."""

from django import forms
from django.utils.translation import gettext_lazy as _

from utilities.admin.citations import CitedFormMixin
from utilities.admin.records import RecordAdminForm

from .rules import can_change, office_field, refusal

KEPT = _("不在本外办可选范围内，保持原值（只读）。")


class OfficeFormMixin:
    office_user = None
    office_error_field = None  # default: the field that carries the Chinese side

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keep_unseen_values()

    def keep_unseen_values(self):
        """Fields narrowed to the office's choices (``office_unnarrowed`` is set by
        ``offices.admin_mixins``) whose stored value is outside them: disabled, so the
        stored value is kept whatever is posted, and shown with that value."""
        if self.instance.pk is None or self.instance._state.adding:
            return
        for name, field in self.fields.items():
            unnarrowed = getattr(field, "office_unnarrowed", None)
            stored = self.initial.get(name)
            if unnarrowed is None or stored in (None, ""):
                continue
            if field.queryset.filter(pk=stored).exists():
                continue
            field.queryset = field.queryset | unnarrowed.filter(pk=stored)
            inner = getattr(field.widget, "widget", None)  # the admin's related-field wrapper
            if inner is not None:
                inner.choices = field.choices
                field.widget.can_add_related = field.widget.can_change_related = False
                field.widget.can_delete_related = field.widget.can_view_related = False
            field.disabled = True
            field.help_text = KEPT

    def _post_clean(self):
        super()._post_clean()
        user = self.office_user
        if user is None or getattr(user, "is_superuser", False):
            return
        field = self.office_error_field or office_field(type(self.instance))
        if field not in self.fields:
            field = None
        if field and field in self._errors:
            return  # the field itself is wrong; say that first
        if not can_change(user, self.instance):
            self.add_error(field, refusal(user, self.instance))
            if self.instance.pk is not None:
                # The page is judged on the record as stored (the refused values stay in
                # the form): the user may still change it, and sees why not like this.
                self.instance.refresh_from_db()


class OfficeRecordForm(OfficeFormMixin, RecordAdminForm):
    """An office record's admin form: the office check and the history note."""


class OfficeInlineForm(OfficeFormMixin, CitedFormMixin, forms.ModelForm):
    """An inline row's form: each row checked like a record of its own."""
