"""Synthetic data for benchmarks and load tests (`manage.py generate_data`): not part of the
tracker's domain, and never run against a database holding real reports."""
