"""Which addresses are public pages (``is_public_path``), asked on every request and kept
per address and URLconf: kept answers must be those resolving gives."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path

from utilities.i18n import is_public_path


def only_here(request):
    return HttpResponse("only here")


# A URLconf with one public page the registry's does not have.
urlpatterns = i18n_patterns(
    path("only-here/", only_here, name="only-here"), prefix_default_language=False
)


def test_pages_are_public_and_the_api_and_admin_are_not():
    for _asked_again in range(2):  # the kept answer is the same
        assert is_public_path("/relationships/")
        assert is_public_path("/places/wuhan/")
        assert is_public_path("/")
        assert not is_public_path("/api/exchanges/")
        assert not is_public_path("/admin/")
        assert not is_public_path("/no-such-page/")


def test_an_answer_is_kept_for_its_own_urlconf_only():
    assert not is_public_path("/only-here/")
    with override_settings(ROOT_URLCONF=__name__):
        assert is_public_path("/only-here/")
        assert not is_public_path("/relationships/")
    assert not is_public_path("/only-here/")
    assert is_public_path("/relationships/")


@override_settings(ROOT_URLCONF=__name__)
def test_a_page_of_another_urlconf_is_answered_in_the_chosen_language(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/only-here/")
    assert response.status_code == 302 and response["Location"] == "/en/only-here/"
    assert client.get("/en/only-here/").content == b"only here"
