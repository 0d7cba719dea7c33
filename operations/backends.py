"""django-axes' lockout as an authentication backend."""

from axes.backends import AxesStandaloneBackend


class AxesBackend(AxesStandaloneBackend):
    """Checks the lockout for every login that comes with a request (the admin's form, the
    API token endpoint). ``authenticate()`` without a request (a script, the test client's
    ``login()``) has no address to count and is left to the next backend instead of
    raising, as django-axes' own backend does."""

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
