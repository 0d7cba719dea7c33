"""List filters staff ask for: by Chinese place (the place and every place inside it, at
any depth, like the site's and the API's ``chinese_place`` filter), by country and by year
on a partial-date column. Each takes the path it filters along."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from utilities.countries import CHINA


def model_at(model, path):
    """The model at the end of ``path`` (``"relationship__chinese_place"`` → Place)."""
    for part in path.split("__"):
        model = model._meta.get_field(part).related_model
    return model


def chinese_place_filter(path, title=None):
    """A filter by Chinese place that includes the places inside it: choosing 晋中市 lists
    Pingyao County's records too. Offers the places used along ``path`` and every place
    above them, in tree order, each named with the places above it below the province
    ("晋中市 · 平遥县")."""

    class ChinesePlaceFilter(admin.SimpleListFilter):
        parameter_name = "chinese_place"

        def __init__(self, request, params, model, model_admin):
            self.title = title or _("中方省市（含下辖地方）")
            self.places = model_at(model, path)._default_manager
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            used = model_admin.model._default_manager.exclude(**{f"{path}__isnull": True})
            paths = self.places.with_tree_fields().filter(pk__in=used.values(path))
            ids = {
                pk for tree_path in paths.values_list("tree_path", flat=True) for pk in tree_path
            }
            places = list(
                self.places.filter(pk__in=ids, country=CHINA)
                .with_tree_fields()
                .order_siblings_by("name_zh")
            )
            by_pk = {place.pk: place for place in places}
            return [(str(place.pk), self.label(place, by_pk)) for place in places]

        @staticmethod
        def label(place, by_pk):
            names = [by_pk[pk].display_name() for pk in place.tree_path[1:] if pk in by_pk]
            return " · ".join(names) if names else place.display_name()

        def queryset(self, request, queryset):
            value = self.value()
            if not value or not value.isdigit():
                return queryset
            place = self.places.filter(pk=value).first()
            if place is None:
                return queryset.none()
            inside = self.places.within(place).values("pk")
            return queryset.filter(**{f"{path}__in": inside})

    return ChinesePlaceFilter


def country_filter(path, title=None):
    """A filter by country listing only the countries present, named in the page language."""

    class CountryFilter(admin.SimpleListFilter):
        parameter_name = "country"

        def __init__(self, request, params, model, model_admin):
            self.title = title or _("国家")
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            codes = (
                model_admin.model._default_manager.exclude(**{path: ""})
                .exclude(**{f"{path}__isnull": True})
                .values_list(path, flat=True)
                .distinct()
            )
            named = [(code, countries.name(code) or code) for code in set(codes)]
            return sorted(named, key=lambda item: item[1])

        def queryset(self, request, queryset):
            if self.value():
                return queryset.filter(**{path: self.value().upper()})
            return queryset

    return CountryFilter


def year_filter(path, title, parameter="year"):
    """A filter by year on a partial-date column (``…_year``), listing the years present."""

    class YearFilter(admin.SimpleListFilter):
        parameter_name = parameter

        def __init__(self, request, params, model, model_admin):
            self.title = title
            super().__init__(request, params, model, model_admin)

        def lookups(self, request, model_admin):
            years = (
                model_admin.model._default_manager.exclude(**{f"{path}__isnull": True})
                .values_list(path, flat=True)
                .distinct()
            )
            return [(str(year), str(year)) for year in sorted(set(years), reverse=True)]

        def queryset(self, request, queryset):
            value = self.value()
            if not value or not value.isdigit():
                return queryset
            return queryset.filter(**{path: int(value)})

    return YearFilter
