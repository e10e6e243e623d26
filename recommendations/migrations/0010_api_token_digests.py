"""Tokens issued before API tokens were stored as digests (recommendations/users/tokens.py) keep
working: each stored key is replaced by its digest, which is what authentication now looks up."""

import hashlib

from django.db import migrations


def store_digests(apps, schema_editor):
    token_model = apps.get_model("authtoken", "Token")
    for token in list(token_model.objects.all()):
        digest = hashlib.sha256(token.key.encode("ascii")).hexdigest()[:40]
        created = token.created
        token.delete()
        replacement = token_model.objects.create(key=digest, user_id=token.user_id)
        token_model.objects.filter(pk=replacement.pk).update(created=created)


class Migration(migrations.Migration):
    dependencies = [
        ("recommendations", "0009_as_of_indexes"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    # Not reversible: a digest cannot give back the key.
    operations = [migrations.RunPython(store_digests, migrations.RunPython.noop)]
