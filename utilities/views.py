"""The public directory's list pages: a ListView driven by an app's FilterSet (the same class
the REST API uses), with sorting, pagination and the filter state in the URL.

A malformed filter value never breaks the page: the valid filters still apply, the invalid
ones are ignored and named in a message next to the form. A bad page number shows the
nearest page; an unknown sort key falls back to the default order.
"""

from functools import lru_cache

from django.core.paginator import InvalidPage
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView
from django_countries import countries

from .generation import with_generation
from .pagination import PageIdsPaginator, whole_list_ids

SORT_PARAMETER = "sort"


class FilterControl:
    """One control of the filter form, ready for the template: a search box, a number or
    a single-choice select (the URL may still carry several values, as the API allows)."""

    def __init__(self, name, label, kind, values, options=(), groups=(), markup=None):
        self.name = name
        self.label = label
        self.kind = kind  # "search", "number" or "select"
        self.values = values
        self.value = values[0] if values else ""
        self.options = [(str(value), text, str(value) in values) for value, text in options]
        self.groups = [
            (group, [(str(value), text, str(value) in values) for value, text in items])
            for group, items in groups
        ]
        # The options' markup made beforehand with none selected (``options_markup``).
        self.markup = markup

    @property
    def options_html(self):
        """The select's ``<option>``s and ``<optgroup>``s, written here rather than by a
        template loop: the Chinese-place select has thousands of options at national scale,
        and a loop of the template language over them took longer than the rest of the
        page. The markup is what the loop wrote (each value and text escaped).

        Given markup made beforehand, the options asked for are marked selected in it:
        ``<option value="…">`` with the closing ``>`` cannot match a longer value."""
        if self.markup is not None:
            markup = self.markup
            for value in set(self.values):
                plain = f'<option value="{escape(value)}">'
                markup = markup.replace(plain, f"{plain[:-1]} selected>")
            return mark_safe(markup)
        parts = [_option_html(*option) for option in self.options]
        for group, items in self.groups:
            parts.append(f'<optgroup label="{escape(group)}">')
            parts.extend(_option_html(*item) for item in items)
            parts.append("</optgroup>")
        return mark_safe("".join(parts))


def options_markup(options=(), groups=()):
    """The ``<option>``s and ``<optgroup>``s of a select, none selected, as text: a long
    select's markup can be kept (``FilterControl(markup=…)`` marks the chosen ones)."""
    return str(FilterControl("", "", "select", [], options, groups).options_html)


def _option_html(value, text, selected):
    return (
        f'<option value="{escape(value)}"{" selected" if selected else ""}>{escape(text)}</option>'
    )


@lru_cache(maxsize=8)
def country_names(language):
    """Every country's name in ``language`` (``{code: name}``): fixed data, translated once
    per language rather than name by name on every page (a select lists about 250)."""
    with override(language):
        return {code: str(name) for code, name in countries}


class FilteredListView(ListView):
    """A list page: ``filterset_class`` filters ``get_base_queryset()``; ``sort_options`` maps
    a ``?sort=`` key to a label and an ``order_by`` list; ``filter_controls`` names the
    filters the form shows."""

    filterset_class = None
    paginate_by = 50
    paginator_class = PageIdsPaginator
    sort_options = {}
    default_sort = ""
    filter_controls = []
    # Filters whose select lists only the values present in the data (not all countries).
    present_countries = None
    # Keep the unfiltered list's order for the generation (``whole_list_ids``): for a list
    # whose order no index holds, else every page, the first included, sorts every row.
    remember_order = False

    def get_base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        data = self.request.GET.copy()
        for name in ("page", SORT_PARAMETER):
            data.pop(name, None)
        # Empty fields of a submitted form mean "any".
        for name in list(data.keys()):
            values = [value for value in data.getlist(name) if value.strip()]
            if values:
                data.setlist(name, values)
            else:
                del data[name]
        self.filterset = self.filterset_class(
            data, queryset=self.get_base_queryset(), request=self.request
        )
        # Invalid filters are left out of cleaned_data, so qs applies only the valid ones.
        self.filter_errors = self.filterset.errors if data else {}
        queryset = self.filterset.qs
        return self.sort(queryset)

    def get_sort(self):
        requested = self.request.GET.get(SORT_PARAMETER, "")
        self.sort_error = bool(requested) and requested.lstrip("-") not in self.sort_options
        if requested and not self.sort_error:
            return requested
        return self.default_sort

    def sort(self, queryset):
        self.current_sort = self.get_sort()
        if not self.current_sort:
            return queryset
        key = self.current_sort.lstrip("-")
        descending = self.current_sort.startswith("-")
        return self.order(queryset, key, descending)

    def order(self, queryset, key, descending):
        """Order by a sort key; views override this for keys that need annotations."""
        fields = self.sort_options[key][1]
        if descending:
            fields = [field[1:] if field.startswith("-") else f"-{field}" for field in fields]
        return queryset.order_by(*fields)

    # ``rows(ids)``: the rows of a page of the kept order's ids, in their order, as the
    # list shows them (else the queryset's rows by id).
    page_rows_by_ids = None

    def get_paginator(self, queryset, per_page, **kwargs):
        if self.remember_order:
            kwargs["ids"] = whole_list_ids(queryset, self.request_with_generation())
            kwargs["read_rows"] = self.page_rows_by_ids
        # A search's matches are counted up to the cap ("1,000+"): a common query's every
        # match is more than the page needs to know.
        kwargs["capped"] = bool(getattr(self.filterset.form, "cleaned_data", {}).get("q"))
        return super().get_paginator(queryset, per_page, **kwargs)

    def request_with_generation(self):
        """The request, with the registry's generation read once for every figure the page
        keeps for it (``generation.remembered``)."""
        return with_generation(self.request)

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size, allow_empty_first_page=True)
        number = self.request.GET.get(self.page_kwarg) or 1
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        try:
            page = paginator.page(number)
        except InvalidPage:
            page = paginator.page(paginator.num_pages)
        return paginator, page, page.object_list, page.has_other_pages()

    def control_options(self, name, field):
        """(value, label) pairs for a select."""
        if name == "country" and self.present_countries is not None:
            codes = sorted(set(self.present_countries()) - {""})
            names = country_names(get_language())
            return sorted(
                ((code, names.get(code) or countries.name(code)) for code in codes),
                key=lambda pair: pair[1],
            )
        queryset = getattr(field, "queryset", None)
        if queryset is not None:
            key = field.to_field_name or "pk"
            return [(getattr(item, key), str(item)) for item in queryset]
        return list(field.choices)

    def get_filter_controls(self):
        form = self.filterset.form
        controls = []
        for name in self.filter_controls:
            field = form.fields[name]
            values = [value for value in self.request.GET.getlist(name) if value.strip()]
            label = field.label or name
            if name == "q":
                controls.append(FilterControl(name, label, "search", values))
            elif name.startswith("year"):
                controls.append(FilterControl(name, label, "number", values))
            elif (markup := self.control_markup(name, field)) is not None:
                controls.append(FilterControl(name, label, "select", values, markup=markup))
            else:
                options = self.control_options(name, field)
                groups = self.control_groups(name, field)
                controls.append(FilterControl(name, label, "select", values, options, groups))
        return controls

    def control_groups(self, name, field):
        """Optional <optgroup>s for a select (the Chinese places, by province)."""
        return ()

    def control_markup(self, name, field):
        """A select's options as markup made beforehand (``options_markup``), or None to
        build them from ``control_options`` and ``control_groups``."""
        return None

    def get_sort_links(self):
        return [
            {"key": key, "label": label, "current": self.current_sort.lstrip("-") == key}
            for key, (label, _fields) in self.sort_options.items()
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        messages = []
        for name, errors in self.filter_errors.items():
            field = self.filterset.form.fields.get(name)
            label = field.label if field is not None and field.label else name
            values = "、".join(self.request.GET.getlist(name))
            for error in errors:
                messages.append({"label": label, "value": values, "error": error})
        if self.sort_error:
            messages.append(
                {
                    "label": _("排序"),
                    "value": self.request.GET.get(SORT_PARAMETER),
                    "error": _("不能按此排序，已按默认顺序显示。"),
                }
            )
        context.update(
            filterset=self.filterset,
            filter_controls=self.get_filter_controls(),
            filter_messages=messages,
            filtered=any(self.request.GET.getlist(name) for name in self.filterset.form.fields),
            sort_links=self.get_sort_links(),
            current_sort=self.current_sort,
            total=context["paginator"].count if context.get("paginator") else None,
        )
        return context
