"""The API's filter backend (``DEFAULT_FILTER_BACKENDS``; a module of its own because DRF
imports it while ``rest_framework.generics`` is still loading)."""

from django import forms
from django.template import loader
from django_filters.rest_framework import DjangoFilterBackend


class RegistryFilterBackend(DjangoFilterBackend):
    """django-filter's backend, with the browsable API's filter form made for any size:
    a filter that takes records (a Chinese place, a relationship) is a text box for the
    slug or id it takes, not a ``<select>`` of every record. With 22,000 places and 50,000
    relationships those menus made ``/api/exchanges/`` in a browser a 6 MB page that took
    56 s to render (past gunicorn's timeout)."""

    def filter_queryset(self, request, queryset, view):
        # A list asked for without its filters is the whole queryset, unless the FilterSet
        # filters by default (``RegistryFilterSet.whole_when_unasked``).
        filterset_class = self.get_filterset_class(view, queryset)
        if (
            getattr(filterset_class, "whole_when_unasked", False)
            and not filterset_class.base_filters.keys() & request.query_params.keys()
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def to_html(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return None
        form = filterset.form
        form.full_clean()  # checked as the filter reads the query (a list of slugs or ids)
        for field in form.fields.values():
            if isinstance(field, forms.ModelChoiceField):  # the multiple one too
                field.widget = forms.TextInput(attrs={"placeholder": field.to_field_name or "id"})
        return loader.get_template(self.template).render({"filter": filterset}, request)
