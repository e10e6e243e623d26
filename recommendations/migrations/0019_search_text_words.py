"""The search copy of every recommendation's text in the form that matches at the start of a
word (`search.searchable`: its folded words, each after a space), with the folding of
"sh"/"ch"/"gh", the Cyrillic "ә" and the removal of invisible format characters.

Recomputed from the text and its translations as `catalog.services` writes it. PostgreSQL's
trigram index on the column (0002) serves the new match as it served the old one.
"""

from django.db import migrations

from recommendations.search import searchable

CHUNK = 2000


def refold(apps, schema_editor):
    Recommendation = apps.get_model("recommendations", "Recommendation")
    changed = []
    rows = Recommendation.objects.order_by().values_list("pk", "action", "action_translations", "action_search")
    for pk, action, translations, stored in rows.iterator(chunk_size=CHUNK):
        folded = searchable(" ".join([action, *(translations or {}).values()]))
        if folded != stored:
            changed.append(Recommendation(pk=pk, action_search=folded))
        if len(changed) >= CHUNK:
            Recommendation.objects.bulk_update(changed, ["action_search"])
            changed = []
    if changed:
        Recommendation.objects.bulk_update(changed, ["action_search"])


class Migration(migrations.Migration):
    dependencies = [("recommendations", "0018_api_tokens")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=True)]
