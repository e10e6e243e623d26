"""Measures: what a government does — a law adopted, a national action plan, a budget line, a
new shelter — to answer recommendations, usually several at once and across reports.

A measure has its own status and progress log with evidence, written by the one progress
service (`progress.services.progress_record`) into the same append-only log as a
recommendation's, and links to the recommendations it answers. Recording progress on a measure
may record, in the same transaction, a status on each linked recommendation: those entries
point at the measure's entry, whose evidence is stored once and shown on each of them.
"""
