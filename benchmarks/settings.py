"""Settings for the benchmark's gunicorn: the real settings, plus the trivial view's URL and
no throttling of the load generator. Everything else (middleware, database, cache, the
``READ_CACHE`` switch when the code has one) is the real stack's."""

from sister_cities.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"

# The anonymous API throttle would answer 429 after 600 requests a minute; the benchmark
# measures the pages, not the throttle (which still runs, with its cache look-up).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "1000000/second"},
}
