"""The trivial view: the whole middleware stack and nothing else, the ceiling a page's
throughput is compared with."""

from django.http import HttpResponse

TRIVIAL_PATH = "/benchmark/trivial/"


def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")
