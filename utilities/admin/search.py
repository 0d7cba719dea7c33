"""Admin search by any name: the query is folded like the stored ``search_text`` keys
(濟南, "ji nan" and Jinan all become jinan/济南) and matched along ``search_key_paths``;
``search_fields`` are matched too, in the query's simplified and traditional forms."""

from functools import lru_cache

import opencc
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q

from utilities.search import query_key, to_simplified


@lru_cache(maxsize=1)
def _to_traditional():
    return opencc.OpenCC("s2t")


def to_traditional(text):
    return _to_traditional().convert(text)


def is_autocomplete(request):
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "autocomplete")


class KeySearchMixin:
    """Search that finds a record by any name of its places."""

    search_key_paths = ()  # "" for the model's own search_text, else a path to a Place

    def get_search_results(self, request, queryset, search_term):
        if is_autocomplete(request):
            queryset = self.autocomplete_queryset(request, queryset)
        terms = search_term.split()
        if not terms:
            return queryset, False
        condition = Q()
        for term in terms:
            condition &= self.term_q(term)
        whole = query_key(search_term)
        if len(terms) > 1 and whole:
            condition |= self.key_q(whole)
        matches = self.model._default_manager.filter(condition).values("pk")
        return queryset.filter(pk__in=matches), False

    def key_q(self, key):
        condition = Q()
        for path in self.search_key_paths:
            lookup = f"{path}__search_text__contains" if path else "search_text__contains"
            condition |= Q(**{lookup: key})
        return condition

    def term_q(self, term):
        condition = Q()
        # Report texts and quotes may be in traditional characters (Jinan's report).
        variants = {term, to_simplified(term), to_traditional(term)}
        for field in self.search_fields:
            for variant in variants:
                condition |= Q(**{f"{field.lstrip('^=@')}__icontains": variant})
        key = query_key(term)
        if key:
            condition |= self.key_q(key)
        return condition

    def autocomplete_queryset(self, request, queryset):
        """Autocomplete results for the asking field (``app_label``, ``model_name``,
        ``field_name`` in the request), narrowed by :meth:`narrow_choices`."""
        try:
            source = apps.get_model(request.GET["app_label"], request.GET["model_name"])
            field_name = request.GET["field_name"]
            source._meta.get_field(field_name)
        except (KeyError, LookupError, FieldDoesNotExist):
            return queryset  # a malformed request: Django's view answers it
        return self.narrow_choices(request, source, field_name, queryset)

    def narrow_choices(self, request, source, field_name, queryset):
        """What ``source.field_name`` may hold (the office rule narrows it)."""
        return queryset
