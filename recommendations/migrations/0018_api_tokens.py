"""API tokens of their own model (recommendations/users/tokens.py): named, several per user,
bound to the password. Tokens issued before keep working until they expire: each DRF token
(its key column already held the digest, migration 0010) becomes an ApiToken named "API" with
the same digest, issue time and expiry (API_TOKEN_DAYS after it was issued), bound to the
user's current password (the one it was issued under: a password change deleted tokens). DRF's
table is left empty."""

import datetime
import hashlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_tokens(apps, schema_editor):
    drf_token = apps.get_model("authtoken", "Token")
    api_token = apps.get_model("recommendations", "ApiToken")
    for old in drf_token.objects.select_related("user"):
        expires = old.created + datetime.timedelta(days=settings.API_TOKEN_DAYS)
        if expires > datetime.datetime.now(datetime.UTC) and old.user.is_active:
            new = api_token.objects.create(
                user=old.user,
                name="API",
                digest=old.key,
                # As users/tokens.password_digest computes it.
                password_digest=hashlib.sha256(f"api-token\x00{old.user.password}".encode()).hexdigest(),
                expires_at=expires,
            )
            api_token.objects.filter(pk=new.pk).update(created_at=old.created)
    drf_token.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('recommendations', '0017_dol_statistics_indicators'),
        ("authtoken", "0004_alter_tokenproxy_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApiToken',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, verbose_name='name')),
                ('digest', models.CharField(max_length=40, unique=True, verbose_name='digest')),
                ('password_digest', models.CharField(max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('expires_at', models.DateTimeField(verbose_name='expires at')),
                ('last_used_at', models.DateTimeField(blank=True, null=True, verbose_name='last used at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'API token',
                'verbose_name_plural': 'API tokens',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('expires_at__gt', models.F('created_at'))), name='token_expires_after_created')],
            },
        ),
        # Not reversible: the old model held one token per user.
        migrations.RunPython(move_tokens, migrations.RunPython.noop),
    ]
