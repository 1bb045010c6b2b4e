"""Read a CSV of sales, check its shape with a custom type, total it per region, write a report.

dagster pipeline execute sales_csv_pipeline -e sales_csv.yaml
"""

import csv
import os

from dagster import (
    DagsterType,
    EventMetadataEntry,
    ExpectationResult,
    Field,
    Float,
    InputDefinition,
    Materialization,
    Output,
    OutputDefinition,
    String,
    TypeCheck,
    pipeline,
    solid,
)

REQUIRED_COLUMNS = ("region", "product", "units", "unit_price")


def _is_sales_table(_context, value):
    if not isinstance(value, list):
        return TypeCheck(success=False, description="A SalesTable is a list of rows (dicts).")
    for index, row in enumerate(value):
        missing = [column for column in REQUIRED_COLUMNS if column not in row]
        if missing:
            return TypeCheck(
                success=False,
                description="Row {index} lacks column(s) {missing}.".format(
                    index=index, missing=", ".join(missing)
                ),
            )
    return TypeCheck(
        success=True,
        metadata_entries=[EventMetadataEntry.text(str(len(value)), "row_count", "Number of rows")],
    )


SalesTable = DagsterType(
    name="SalesTable",
    type_check_fn=_is_sales_table,
    description="Rows of a sales CSV with region, product, units and unit_price columns.",
)


@solid(
    config={
        "csv_path": Field(String, description="Path of the sales CSV, relative to the working directory.")
    },
    output_defs=[OutputDefinition(SalesTable)],
)
def read_sales(context):
    csv_path = context.solid_config["csv_path"]
    with open(csv_path, newline="") as csv_file:
        rows = list(csv.DictReader(csv_file))
    context.log.info(f"Read {len(rows)} rows from {csv_path}")
    return rows


@solid(
    input_defs=[InputDefinition("sales", SalesTable)],
    output_defs=[OutputDefinition(dict)],
    config={"min_units": Field(int, is_required=False, default_value=0)},
)
def totals_by_region(context, sales):
    negative = [row for row in sales if int(row["units"]) < 0]
    yield ExpectationResult(
        success=not negative,
        label="units_not_negative",
        description="Every row sells zero or more units.",
        metadata_entries=[EventMetadataEntry.text(str(len(negative)), "negative_rows")],
    )
    totals = {}
    for row in sales:
        if int(row["units"]) < context.solid_config["min_units"]:
            continue
        amount = int(row["units"]) * float(row["unit_price"])
        totals[row["region"]] = totals.get(row["region"], 0.0) + amount
    yield Output(totals)


@solid(config={"report_path": String, "currency": Field(String, is_required=False, default_value="EUR")})
def write_report(context, totals: dict) -> Float:
    report_path = context.solid_config["report_path"]
    report_dir = os.path.dirname(os.path.abspath(report_path))
    if not os.path.isdir(report_dir):
        os.makedirs(report_dir)
    with open(report_path, "w", newline="") as report_file:
        writer = csv.writer(report_file)
        writer.writerow(["region", "total_" + context.solid_config["currency"].lower()])
        for region in sorted(totals):
            writer.writerow([region, f"{totals[region]:.2f}"])
    grand_total = sum(totals.values())
    yield Materialization(
        label="sales_report",
        description="Sales totals per region",
        metadata_entries=[
            EventMetadataEntry.path(report_path, "report_path"),
            EventMetadataEntry.text(f"{grand_total:.2f}", "grand_total"),
        ],
    )
    yield Output(grand_total)


@pipeline(description="Total a CSV of sales per region and write the report as a CSV file.")
def sales_csv_pipeline():
    write_report(totals_by_region(read_sales()))
