"""The citation rule in admin forms and inline rows: ``validate_citations`` with the
citations the form is about to set (those chosen in the form, else those the record has),
its errors shown on the fields they name."""

from django.core.exceptions import ValidationError

from utilities.models import validate_citations


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
            self._update_errors(error)
