"""Helpers of the public-page tests: a page's HTML as the test client gets it, in Chinese
(the default) or in English (``**EN``: a browser that asks for English)."""

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, url, status=200, **headers):
    """The HTML of ``url``, which must answer ``status``."""
    response = client.get(url, **headers)
    assert response.status_code == status, url
    return response.content.decode()
