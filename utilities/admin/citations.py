"""The citation rule in admin forms and inline rows: ``validate_citations`` with the
citations the form is about to set (those chosen in the form, else those the record has),
its errors shown on the fields they name."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from utilities.models import validate_citations

# An older record, saved before the rule, opened and saved again: say what to add.
UNCITED_RECORD = _(
    "“%(record)s”还没有引文：请在“%(field)s”一栏至少选择一段报告原文"
    "（登记册中的每一项事实都须注明出处），然后再保存。"
)


class CitedFormMixin:
    """Refuses a cited record (``citations_required``) saved without a citation, and one
    whose dates lie after the reports it cites unless it is planned."""

    def _post_clean(self):
        super()._post_clean()
        model = self._meta.model
        if not any(field.name == "citations" for field in model._meta.many_to_many):
            return
        field = self.fields.get("citations")
        if field is not None and not field.disabled:
            if "citations" in self._errors:
                return  # a citation that does not exist: say that first
            citations = self.cleaned_data.get("citations")
        elif self.instance.pk is not None:
            citations = self.instance.citations.all()
        else:
            citations = []
        try:
            validate_citations(self.instance, citations)
        except ValidationError as error:
            error = self.uncited_record(error, citations)
            if "citations" not in self.fields and "citations" in getattr(error, "error_dict", {}):
                # A form without the field (a read-only or narrowed inline): say it above.
                error.error_dict.setdefault(NON_FIELD_ERRORS, []).extend(
                    error.error_dict.pop("citations")
                )
            self._update_errors(error)

    def uncited_record(self, error, citations):
        """A stored record without any citation gets the message that names what to add."""
        instance = self.instance
        if (
            instance.pk is None
            or instance._state.adding
            or "citations" not in getattr(error, "error_dict", {})
            or list(citations or [])
            or instance.citations.exists()
        ):
            return error
        field = instance._meta.get_field("citations")
        message = UNCITED_RECORD % {"record": instance, "field": field.verbose_name}
        # Not code "required": the form would put its own "This field is required." instead.
        error.error_dict["citations"] = [ValidationError(message, code="uncited")]
        return error
