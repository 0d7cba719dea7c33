"""Country fields that refuse Taiwan, Hong Kong and Macao as a country with a message
saying why (``utilities.countries.part_of_china_error``), before django-countries' bare
"not a valid choice": the model field (admin, import, loader, ``full_clean``) and its form
fields. The API's field is ``utilities.api.fields.CountryField``. And the order of every
country list (``install_country_order``)."""

import django_countries
from django_countries.fields import CountryField as BaseCountryField
from django_countries.fields import LazyTypedChoiceField, LazyTypedMultipleChoiceField

from .countries import country_sort_key, part_of_china_error


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


def install_country_order():
    """Make every country list (model choices, filters, API, pages) sort with
    ``country_sort_key``. django-countries sorts with its module-level ``sort_key`` (a
    collation that leaves Chinese in code-point order); it offers no setting for it, so the
    function is replaced once, at start-up (``cities.apps``)."""
    django_countries.sort_key = country_sort_key
    # Lists already built were sorted the old way.
    django_countries.countries.__dict__.pop("_iter_cache", None)
