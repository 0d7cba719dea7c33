"""Helpers of the public-page tests: a page's HTML as the test client gets it, in Chinese
(the default, at the unprefixed address) or in English (``in_english(url)``: the page's
``/en/`` address). ``**EN`` is a browser that asks for English, which chooses the language
of the admin and the API (the public site's language is in its address)."""

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def in_english(url):
    """The English address of a public page given by its Chinese (unprefixed) address."""
    return f"/en{url}"


def page(client, url, status=200, **headers):
    """The HTML of ``url``, which must answer ``status``."""
    response = client.get(url, **headers)
    assert response.status_code == status, url
    return response.content.decode()
