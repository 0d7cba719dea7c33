"""Country fields that refuse Taiwan, Hong Kong and Macao as a country with a message
saying why (``utilities.countries.part_of_china_error``), before django-countries' bare
"not a valid choice": the model field (admin, import, loader, ``full_clean``) and its form
fields. The API's field is ``utilities.api.fields.CountryField``."""

from django_countries.fields import CountryField as BaseCountryField
from django_countries.fields import LazyTypedChoiceField, LazyTypedMultipleChoiceField

from .countries import part_of_china_error


class _PartOfChinaFormMixin:
    def validate(self, value):
        error = part_of_china_error(value)
        if error:
            raise error
        super().validate(value)


class CountryChoiceField(_PartOfChinaFormMixin, LazyTypedChoiceField):
    pass


class CountryMultipleChoiceField(_PartOfChinaFormMixin, LazyTypedMultipleChoiceField):
    pass


class CountryField(BaseCountryField):
    """django-countries' field, refusing Taiwan, Hong Kong and Macao with a message that
    says why (the settings also take them out of every list)."""

    def validate(self, value, model_instance):
        error = part_of_china_error(value)
        if error:
            raise error
        super().validate(value, model_instance)

    def formfield(self, **kwargs):
        kwargs.setdefault(
            "choices_form_class",
            CountryMultipleChoiceField if self.multiple else CountryChoiceField,
        )
        return super().formfield(**kwargs)
