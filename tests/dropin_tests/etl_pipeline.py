"""Pipelines shaped like the ones that wrote the Dagster 0.7.16 fixture home.

``etl``: ``extract`` (config ``rows``; prints to stdout) -> ``transform`` (writes to stderr, yields
an expectation result and the materialization ``clean_rows``) -> ``load`` (sums the rows).
``broken``: ``explode``, which raised in the fixture and is fixed here.
Written against the 0.7 API only, as a user's module would be.
"""

from __future__ import annotations

import sys

from dagster import (
    EventMetadataEntry,
    ExpectationResult,
    Field,
    Int,
    Materialization,
    Output,
    RepositoryDefinition,
    pipeline,
    solid,
)


@solid(config={"rows": Field(Int)})
def extract(context):
    rows = context.solid_config["rows"]
    print(f"extracting {rows} rows")
    context.log.info("extract done")
    return list(range(rows))


@solid
def transform(context, rows):
    sys.stderr.write("transforming\n")
    doubled = [row * 2 for row in rows]
    yield ExpectationResult(success=bool(doubled), label="non_empty")
    yield Materialization(
        label="clean_rows", metadata_entries=[EventMetadataEntry.text(str(len(doubled)), "count")]
    )
    yield Output(doubled)


@solid
def load(_context, rows):
    return sum(rows)


@pipeline
def etl():
    load(transform(extract()))


@solid
def explode(context):
    # The fixture's version raised ValueError("fixture failure"); this is the user's fix.
    context.log.info("fixed")
    return "ok"


@pipeline
def broken():
    explode()


def define_repository() -> RepositoryDefinition:
    return RepositoryDefinition(name="dropin", pipeline_defs=[etl, broken])
