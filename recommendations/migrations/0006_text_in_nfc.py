"""Stored recommendation texts in NFC, and their search copy folded with "ǝ" as "ə".

New writes are normalised by the model fields (recommendations/fields.py); this brings rows
written before into the same form. Progress updates and change records are history and are
left as written (their triggers refuse updates anyway).
"""

import unicodedata

from django.db import migrations

from recommendations.search import fold

CHUNK = 2000


def normalise(apps, schema_editor):
    Recommendation = apps.get_model("recommendations", "Recommendation")
    changed = []
    for pk, action, action_search in (
        Recommendation.objects.order_by().values_list("pk", "action", "action_search").iterator(chunk_size=CHUNK)
    ):
        normal = unicodedata.normalize("NFC", action)
        folded = fold(normal)
        if normal != action or folded != action_search:
            changed.append(Recommendation(pk=pk, action=normal, action_search=folded))
        if len(changed) >= CHUNK:
            Recommendation.objects.bulk_update(changed, ["action", "action_search"])
            changed = []
    if changed:
        Recommendation.objects.bulk_update(changed, ["action", "action_search"])


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0005_change_record_related_object")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop, elidable=True)]
