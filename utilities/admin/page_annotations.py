"""Changelist columns computed for the rows of the page only.

A column such as "number of exchanges" is a correlated subquery. Annotated on the list's
queryset, PostgreSQL computes it for every row the page's ``OFFSET`` skips too: page 200
of 50,000 relationships counted the exchanges of 10,000 of them. Here such a column is
annotated on the list only when the list is sorted by it; otherwise it is read afterwards,
in one query, for the page's rows.
"""

from django.contrib.admin.views.main import ORDER_VAR


class PageAnnotationsMixin:
    """``page_annotations()``: {name: expression} of the columns read for the page's rows."""

    def page_annotations(self):
        return {}

    def sorted_by(self, request):
        """The ``admin_order_field`` names the request's ``o`` parameter sorts by."""
        names = set()
        list_display = list(self.get_list_display(request))
        if self.get_actions(request):  # as Django's changelist numbers its columns
            list_display = ["action_checkbox", *list_display]
        for part in request.GET.get(ORDER_VAR, "").split("."):
            index = part.lstrip("-")
            if not index.isdigit() or int(index) >= len(list_display):
                continue
            field = list_display[int(index)]
            attr = field if callable(field) else getattr(self, field, None)
            names.add(getattr(attr, "admin_order_field", field))
        return names

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        sorted_by = self.sorted_by(request)
        wanted = {
            name: expression
            for name, expression in self.page_annotations().items()
            if name in sorted_by
        }
        return queryset.annotate(**wanted) if wanted else queryset

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        rows = changelist.result_list
        missing = {
            name: expression
            for name, expression in self.page_annotations().items()
            if name not in rows.query.annotations
        }
        page = list(rows)  # the page's rows, kept in the queryset's cache for the template
        if missing and page:
            values = {
                row["pk"]: row
                for row in self.model._default_manager.filter(pk__in=[obj.pk for obj in page])
                .order_by()
                .annotate(**missing)
                .values("pk", *missing)
            }
            for obj in page:
                for name in missing:
                    setattr(obj, name, values[obj.pk][name])
        return changelist
