"""The database cache's table (settings: CACHES, CACHE_TABLE), created by `migrate` so that
`make run` and the tests need no `createcachetable` step. It holds allauth's rate limits and
used TOTP codes, shared by every worker process. Created whatever CACHES says, so that a
site moving from Redis back to the default finds it there."""

from django.conf import settings
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # createcachetable's own DDL; it does nothing when the table already exists.
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, settings.CACHE_TABLE, False)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.quote_name(settings.CACHE_TABLE)}"
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
