"""Modes and resources: the same pipeline stores its results in memory when testing and in a
SQLite file when run locally.

    dagster pipeline execute modes_pipeline -d test
    dagster pipeline execute modes_pipeline -d local -e resources_and_modes.yaml
"""

import sqlite3

from dagster import Field, ModeDefinition, String, pipeline, resource, solid


class InMemoryStore:
    def __init__(self):
        self.rows = {}

    def put(self, key, value):
        self.rows[key] = value

    def get(self, key):
        return self.rows[key]


class SqliteStore:
    def __init__(self, path):
        self._conn = sqlite3.connect(path)
        self._conn.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT)")

    def put(self, key, value):
        with self._conn:
            self._conn.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", (key, str(value)))

    def get(self, key):
        row = self._conn.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def close(self):
        self._conn.close()


@resource(description="A store that keeps everything in memory (for tests).")
def in_memory_store(_init_context):
    return InMemoryStore()


@resource(config={"path": Field(String, description="SQLite database file.")})
def sqlite_store(init_context):
    store = SqliteStore(init_context.resource_config["path"])
    try:
        yield store
    finally:
        store.close()  # teardown runs when the run ends, even when it fails


@solid(required_resource_keys={"store"})
def count_words(context):
    text = "the quick brown fox jumps over the lazy dog the end"
    counts = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    for word, count in counts.items():
        context.resources.store.put(word, count)
    return len(counts)


@solid(required_resource_keys={"store"})
def report_most_common(context, distinct_words: int) -> str:
    value = context.resources.store.get("the")
    context.log.info(f"{distinct_words} distinct words; 'the' appears {value} times")
    return str(value)


@pipeline(
    mode_defs=[
        ModeDefinition(name="test", resource_defs={"store": in_memory_store}),
        ModeDefinition(name="local", resource_defs={"store": sqlite_store}),
    ]
)
def modes_pipeline():
    report_most_common(count_words())
