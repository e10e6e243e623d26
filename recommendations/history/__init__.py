"""Change history: the one place history rows are written, and the helper every tracked
update goes through (snapshot → change → validate → save → diff → history row).

What a model's snapshot holds is declared on the model (`TrackedModel.tracked_fields`);
nothing here lists a model's fields by hand.
"""
