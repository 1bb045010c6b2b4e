import pytest
from click import UsageError

from dagster.cli.errors import DagsterCliError
from dagster.cli.run_config import load_environment_files, parse_solid_subset, parse_tags


def write(path, text):
    path.write_text(text)
    return str(path)


def test_files_merge_in_order_later_wins_at_every_depth(tmp_path):
    first = write(
        tmp_path / "a.yaml",
        "solids:\n  s:\n    config:\n      x: 1\n      y: 1\nresources: {r: {config: 1}}\n",
    )
    second = write(tmp_path / "b.yaml", "solids:\n  s:\n    config:\n      y: 2\n      z: 2\n")
    merged, files = load_environment_files([first, second])
    assert merged == {
        "solids": {"s": {"config": {"x": 1, "y": 2, "z": 2}}},
        "resources": {"r": {"config": 1}},
    }
    assert files == [first, second]


def test_glob_patterns_expand_sorted(tmp_path):
    write(tmp_path / "2.yaml", "b: 2\na: 2\n")
    write(tmp_path / "1.yaml", "a: 1\n")
    merged, files = load_environment_files([str(tmp_path / "*.yaml")])
    assert merged == {"a": 2, "b": 2}
    assert [f.rsplit("/", 1)[1] for f in files] == ["1.yaml", "2.yaml"]


def test_empty_file_is_empty_config(tmp_path):
    assert load_environment_files([write(tmp_path / "e.yaml", "")])[0] == {}


def test_missing_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match=r'No config file matches ".*nope.yaml" \(given with -e/--env\)'):
        load_environment_files([str(tmp_path / "nope.yaml")])


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    bad = write(tmp_path / "bad.yaml", "solids:\n  s:\n    config: {x: 1\n  other: 2\n")
    with pytest.raises(DagsterCliError) as excinfo:
        load_environment_files([bad])
    message = excinfo.value.message
    assert message.startswith(f"YAML syntax error in {bad}, line 4, column")


def test_top_level_must_be_a_mapping(tmp_path):
    listing = write(tmp_path / "list.yaml", "- 1\n- 2\n")
    with pytest.raises(DagsterCliError, match="must hold a YAML mapping"):
        load_environment_files([listing])


def test_tags():
    assert parse_tags(None) == {}
    assert parse_tags('{"team": "data", "n": 3}') == {"team": "data", "n": "3"}
    with pytest.raises(UsageError, match="--tags must be a JSON object"):
        parse_tags("{team: data}")
    with pytest.raises(UsageError, match="--tags must be a JSON object"):
        parse_tags("[1, 2]")


def test_solid_subset():
    assert parse_solid_subset(None) is None
    assert parse_solid_subset("a, b,c") == ["a", "b", "c"]
    with pytest.raises(UsageError):
        parse_solid_subset(" , ")
