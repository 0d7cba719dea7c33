"""Measuring instruments for the registry at national scale: synthetic data (``seed_scale``)
and the load benchmark (``benchmark_registry``, ``make benchmark``). Nothing here serves the
public: the benchmark's settings and URLs only extend the real ones with a trivial view."""
