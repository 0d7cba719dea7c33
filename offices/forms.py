"""The office check in admin forms: the record as it would be saved, refused with a clear
field error (the one wording of ``offices.rules.refusal``) rather than a refusal page.

The admin builds its form classes per request itself (``modelform_factory``); it sets
``office_user`` and ``office_error_field`` on the class it built
(``offices.admin_mixins``)."""

from django import forms

from utilities.admin.citations import CitedFormMixin
from utilities.admin.records import RecordAdminForm

from .rules import can_change, office_field, refusal


class OfficeFormMixin:
    office_user = None
    office_error_field = None  # default: the field that carries the Chinese side

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
            self.add_error(field, refusal(user))


class OfficeRecordForm(OfficeFormMixin, RecordAdminForm):
    """An office record's admin form: the office check and the history note."""


class OfficeInlineForm(OfficeFormMixin, CitedFormMixin, forms.ModelForm):
    """An inline row's form: each row checked like a record of its own."""
