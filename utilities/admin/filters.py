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
            # Each used place's path from its root, climbing from the used places only.
            paths = self.places.filter(pk__in=used.order_by().values(path)).paths()
            # The path of every place on them (a place above a used one too).
            tree_paths = {
                tree_path[depth]: tree_path[: depth + 1]
                for tree_path in paths.values()
                for depth in range(len(tree_path))
            }
            places = self.places.filter(pk__in=tree_paths, country=CHINA)
            by_pk = {place.pk: place for place in places}

            def tree_order(pk):  # siblings by Chinese name, as the directory orders them
                return [(by_pk[step].name_zh, step) for step in tree_paths[pk] if step in by_pk]

            return [
                (str(pk), self.label(tree_paths[pk], by_pk)) for pk in sorted(by_pk, key=tree_order)
            ]

        @staticmethod
        def label(tree_path, by_pk):
            names = [by_pk[pk].display_name() for pk in tree_path[1:] if pk in by_pk]
            return " · ".join(names) if names else by_pk[tree_path[-1]].display_name()

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
                .order_by()  # DISTINCT over the column alone, not the model's ordering
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
                .order_by()  # DISTINCT over the column alone, not the model's ordering
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


class UsedRelatedFilter(admin.RelatedFieldListFilter):
    """Django's ``RelatedOnlyFieldListFilter`` for a many-to-many field, read from the link
    table: the targets some row links to. Django's own asks for the DISTINCT targets of
    every row of the list (a join over every row: half a million exchanges). Every row
    counts, as every staff account views every record."""

    def field_choices(self, field, request, model_admin):
        through = field.remote_field.through
        target = field.m2m_reverse_field_name()
        used = through._default_manager.order_by().values(target)
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": used}, ordering=ordering
        )
