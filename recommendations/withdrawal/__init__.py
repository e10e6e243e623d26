"""Withdrawing a recommendation or a report: hidden from the public, kept with its history,
and brought back by restoring it. Nothing is deleted.

Who sees a withdrawn row, and the one condition every public read applies, are here
(`models.WithdrawableQuerySet`, `models.PUBLIC_SQL`); the changes are `services.py`.
"""
