"""The language in the address: the public site answers in Chinese at its unprefixed
addresses and in English under ``/en/`` (``i18n_patterns`` without a prefix for the
default language), so a link opens in the language it was sent in. The staff admin, the
API and the other unprefixed addresses outside ``i18n_patterns`` keep choosing their
language from the language cookie and ``Accept-Language``.

``LanguageMiddleware`` replaces Django's ``LocaleMiddleware``; ``language_alternates`` (a
context processor) gives every public page its canonical address and its address in each
language (``hreflang`` links, Open Graph ``og:url`` and the language switch)."""

from functools import lru_cache

from django.conf import settings
from django.http import QueryDict
from django.middleware.locale import LocaleMiddleware
from django.urls import (
    NoReverseMatch,
    Resolver404,
    get_urlconf,
    is_valid_path,
    resolve,
    reverse,
)
from django.utils import translation
from django.utils.cache import patch_vary_headers

# The query parameters that name a different page of the same list; filters and searches
# are views of one page and point their canonical address at it.
CANONICAL_PARAMETERS = ("page",)


def other_languages():
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def is_public_path(path_info, urlconf=None):
    """Whether ``path_info`` (unprefixed) is a page of the public site, that is, also
    exists under a language prefix (the admin and the API do not)."""
    urlconf = urlconf or get_urlconf() or settings.ROOT_URLCONF
    return valid_under_prefix(other_languages()[0], path_info, urlconf)


# Asked on every request: resolving an address that is not a page (every API address)
# walks every pattern and raises, 0.1 ms of a read cache hit's 0.8. The answer depends on
# the address and the URLconf alone, both in the key.
@lru_cache(maxsize=4096)
def valid_under_prefix(language, path_info, urlconf):
    with translation.override(language):
        return bool(is_valid_path(f"/{language}{path_info}", urlconf))


class LanguageMiddleware(LocaleMiddleware):
    """The language of a public page is the one its address names (Chinese when it names
    none); elsewhere it is the cookie's or the browser's, as before. A returning visitor
    whose language cookie says English, opening an unprefixed public page, is sent to the
    page's English address (what they chose with the switch); a new visitor (no cookie)
    gets the page in Chinese, the address's language."""

    def process_request(self, request):
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        from_path = translation.get_language_from_path(request.path_info)
        request.public_page = bool(from_path) or is_public_path(request.path_info, urlconf)
        if from_path:
            language = from_path
        elif request.public_page:
            language = settings.LANGUAGE_CODE
        else:
            language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        if request.public_page and not from_path and request.method in ("GET", "HEAD"):
            return self.redirect_to_chosen_language(request)
        return None

    def redirect_to_chosen_language(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if not chosen or chosen not in other_languages():
            return None
        address = address_in(request, chosen, keep_query=True)
        if address is None:
            return None
        redirect = self.response_redirect_class(address)
        patch_vary_headers(redirect, ("Cookie",))
        return redirect

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if getattr(request, "public_page", False) and not translation.get_language_from_path(
            request.path_info
        ):
            # The unprefixed page redirects a visitor whose cookie chose English.
            patch_vary_headers(response, ("Cookie",))
        return response


def address_in(request, language, keep_query=False):
    """The path of the page ``request`` shows, in ``language``; None when the page is not
    one of the public site's (no match, the admin, the API). With ``keep_query`` the whole
    query string follows (the language switch); otherwise only the page number does."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        # The middleware asks before the URL is resolved.
        try:
            with translation.override(request.LANGUAGE_CODE):
                match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
    if not getattr(request, "public_page", False) or not match.view_name:
        return None
    try:
        with translation.override(language):
            path = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
    except NoReverseMatch:
        return None
    if keep_query:
        query = request.GET.urlencode()
    else:
        query = QueryDict(mutable=True)
        for name in CANONICAL_PARAMETERS:
            if name in request.GET and request.GET[name] not in ("", "1"):
                query[name] = request.GET[name]
        query = query.urlencode()
    return f"{path}?{query}" if query else path


def hreflang(language):
    """The BCP 47 tag of one of the site's languages (``zh-Hans``, ``en``)."""
    return "zh-Hans" if language.lower() == "zh-hans" else language


def og_locale(language):
    """The Open Graph locale (``zh_CN``, ``en_US``)."""
    return {"zh-hans": "zh_CN", "en": "en_US"}.get(language.lower(), language)


def language_alternates(request):
    """The canonical address of the public page being shown and its address in each of the
    site's languages, absolute; nothing on pages outside the public site."""
    if not getattr(request, "public_page", False):
        return {}
    current = translation.get_language()
    alternates = []
    switch = []
    for code, _name in settings.LANGUAGES:
        path = address_in(request, code)
        if path is None:
            return {}
        alternates.append(
            {
                "code": code,
                "hreflang": hreflang(code),
                "og_locale": og_locale(code),
                "url": request.build_absolute_uri(path),
                "current": code == current,
            }
        )
        switch.append((code.split("-")[0], address_in(request, code, keep_query=True)))
    canonical = next(a for a in alternates if a["current"])
    return {
        "canonical_url": canonical["url"],
        "og_locale": canonical["og_locale"],
        "language_alternates": alternates,
        "default_alternate": next(a for a in alternates if a["code"] == settings.LANGUAGE_CODE),
        # Where each button of the language switch leads: this page in that language.
        "language_switch": dict(switch),
    }
