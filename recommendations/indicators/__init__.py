"""Indicators: the figures by which a report judges a government, year by year, read from the
report itself (DOL enforcement tables, TIP narrative sentences), with where each one stands.

`vocabulary.py` declares, once per report kind, which indicators exist and how a report
states them; `readers/` find them in a document without writing anything; `services.py`
stores, corrects and adds values (history through `recommendations.history`); `api.py`
serves the vocabulary and the values.
"""
