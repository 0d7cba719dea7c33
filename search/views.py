"""The search results page: one box for places, relationships, exchanges and awards."""

from django.views.generic import TemplateView

from utilities.filtersets import QUERY_MAX_LENGTH

from .selectors import search


class SearchView(TemplateView):
    """The results of ``search.selectors.search`` for ``?q=``, grouped by kind."""

    template_name = "search/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "")[:QUERY_MAX_LENGTH]
        context.update(
            query=query, results=search(query, request=self.request) if query.strip() else None
        )
        return context
