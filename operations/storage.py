"""Static files storage for production: whitenoise's hashed, compressed files.

JavaScript is left as it is: vendored bundles name source maps they do not ship (Leaflet's
``leaflet.js.map``), which would stop ``collectstatic``; stylesheets still have their
``url()`` and ``@import`` references rewritten to the hashed names."""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = tuple(
        (extension, rules)
        for extension, rules in ManifestStaticFilesStorage.patterns
        if extension != "*.js"
    )
