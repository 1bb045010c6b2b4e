import json
import os
import subprocess
import sys
import textwrap

import pytest

from dagster import PipelineDefinition, RepositoryDefinition
from dagster.core.definitions.handle import (
    EPHEMERAL_NAME,
    DagsterCodeLoadError,
    ExecutionTargetHandle,
    LoaderEntrypoint,
)
from dagster.core.errors import DagsterInvariantViolationError

REPO_SOURCE = """
from dagster import RepositoryDefinition, lambda_solid, pipeline


@lambda_solid
def one():
    return 1


@lambda_solid
def add_one(num):
    return num + 1


@pipeline
def {prefix}_math():
    add_one(one())


@pipeline
def {prefix}_single():
    one()


def define_repo():
    return RepositoryDefinition(name="{prefix}_repo", pipeline_defs=[{prefix}_math, {prefix}_single])


def define_math():
    return {prefix}_math


NOT_A_DEFINITION = 3
"""


def write_module(directory, name, source):
    path = directory / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    return str(path)


@pytest.fixture
def repo_file(tmp_path, request):
    prefix = request.node.name.replace("[", "_").replace("]", "_").replace("-", "_")
    path = write_module(tmp_path, f"repo_{prefix}", REPO_SOURCE.format(prefix=prefix))
    return path, prefix


def test_repo_python_file(repo_file):
    path, prefix = repo_file
    handle = ExecutionTargetHandle.for_repo_python_file(path, "define_repo")
    repo = handle.build_repository_definition()
    assert isinstance(repo, RepositoryDefinition)
    assert repo.name == f"{prefix}_repo"
    assert ExecutionTargetHandle.get_handle(repo) == (handle, None)

    pipeline_handle = handle.with_pipeline_name(f"{prefix}_math")
    pipeline_def = pipeline_handle.build_pipeline_definition()
    assert pipeline_def.name == f"{prefix}_math"
    assert ExecutionTargetHandle.get_handle(pipeline_def)[0] == pipeline_handle
    assert pipeline_handle.data.pipeline_name == f"{prefix}_math"
    assert pipeline_handle.is_resolved_to_pipeline


def test_pipeline_python_file_accepts_definition_or_function(repo_file):
    path, prefix = repo_file
    for attr in (f"{prefix}_math", "define_math"):
        handle = ExecutionTargetHandle.for_pipeline_python_file(path, attr)
        pipeline_def = handle.build_pipeline_definition()
        assert isinstance(pipeline_def, PipelineDefinition)
        assert pipeline_def.name == f"{prefix}_math"
        repo = handle.build_repository_definition()
        assert repo.name == EPHEMERAL_NAME
        assert repo.pipeline_names == [f"{prefix}_math"]


def test_entrypoint(repo_file):
    path, _prefix = repo_file
    entrypoint = ExecutionTargetHandle.for_repo_python_file(path, "define_repo").entrypoint
    assert isinstance(entrypoint, LoaderEntrypoint)
    assert entrypoint.fn_name == "define_repo"
    assert isinstance(entrypoint.perform_load(), RepositoryDefinition)


def test_to_dict_round_trip_and_rebuild_in_another_process(repo_file, tmp_path):
    path, prefix = repo_file
    handle = (
        ExecutionTargetHandle.for_repo_python_file(path, "define_repo")
        .with_pipeline_name(f"{prefix}_math")
        .with_solid_subset(["one"])
    )
    as_dict = handle.to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert ExecutionTargetHandle.from_dict(as_dict) == handle
    assert ExecutionTargetHandle.from_dict(as_dict).to_dict() == as_dict

    script = (
        "import json, sys\n"
        "from dagster.core.definitions.handle import ExecutionTargetHandle\n"
        "handle = ExecutionTargetHandle.from_dict(json.loads(sys.argv[1]))\n"
        "pipeline = handle.build_pipeline_definition()\n"
        "print(pipeline.name, sorted(s.name for s in pipeline.solids))\n"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", script, json.dumps(as_dict)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == f"{prefix}_math ['one']"


def test_module_target_with_working_directory(tmp_path, monkeypatch):
    package = tmp_path / "pkg_for_module_target"
    package.mkdir()
    (package / "__init__.py").write_text("")
    write_module(package, "defs", REPO_SOURCE.format(prefix="modtarget"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    handle = ExecutionTargetHandle.for_repo_module("pkg_for_module_target.defs", "define_repo")
    assert handle.data.working_directory == str(tmp_path)
    assert handle.build_repository_definition().name == "modtarget_repo"
    pipeline_handle = ExecutionTargetHandle.for_pipeline_module(
        "pkg_for_module_target.defs", "modtarget_single"
    )
    assert pipeline_handle.build_pipeline_definition().name == "modtarget_single"

    # for_pipeline_fn records a module inside a package by name plus its package root.
    from pkg_for_module_target.defs import define_math

    fn_handle = ExecutionTargetHandle.for_pipeline_fn(define_math)
    assert fn_handle.data.module_name == "pkg_for_module_target.defs"
    assert fn_handle.data.working_directory == str(tmp_path)
    assert fn_handle.build_pipeline_definition().name == "modtarget_math"


def test_repository_yaml_with_file_and_module(tmp_path, monkeypatch):
    write_module(tmp_path, "yaml_file_repo", REPO_SOURCE.format(prefix="yamlfile"))
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "repository.yaml").write_text("repository:\n  file: ../yaml_file_repo.py\n  fn: define_repo\n")
    monkeypatch.chdir(str(tmp_path.parent))
    handle = ExecutionTargetHandle.for_repo_yaml(str(sub / "repository.yaml"))
    assert handle.build_repository_definition().name == "yamlfile_repo"

    write_module(tmp_path, "yaml_module_repo", REPO_SOURCE.format(prefix="yamlmodule"))
    (tmp_path / "module.yaml").write_text("repository:\n  module: yaml_module_repo\n  fn: define_repo\n")
    handle = ExecutionTargetHandle.for_repo_yaml(str(tmp_path / "module.yaml"))
    assert handle.build_repository_definition().name == "yamlmodule_repo"


@pytest.mark.parametrize(
    "text, message",
    [
        (
            "repository:\n  file: x.py\n  fn: [broken\n",
            r"YAML syntax error in .*bad.yaml, line 4, column 1: ",
        ),
        ("pipelines: {}\n", r"must have a top-level `repository` mapping"),
        ("repository:\n  file: x.py\n", r"`repository.fn` \(a string\) is missing"),
        ("repository:\n  fn: f\n", r"needs exactly one of `file`"),
        ("repository:\n  file: missing.py\n  fn: f\n", r'Python file ".*missing.py" does not exist'),
    ],
)
def test_bad_repository_yaml(tmp_path, text, message):
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(DagsterCodeLoadError, match=message):
        ExecutionTargetHandle.for_repo_yaml(str(tmp_path / "bad.yaml")).build_repository_definition()


def test_missing_repository_yaml(tmp_path):
    with pytest.raises(DagsterCodeLoadError, match='Expected to use file ".*nope.yaml" to load repository'):
        ExecutionTargetHandle.for_repo_yaml(str(tmp_path / "nope.yaml")).build_repository_definition()


def test_import_error_shows_the_users_traceback_only(tmp_path):
    path = write_module(
        tmp_path,
        "broken_user_module",
        """
        import os


        def helper():
            raise ValueError("bad setting in user code")


        helper()
        """,
    )
    with pytest.raises(DagsterCodeLoadError) as excinfo:
        ExecutionTargetHandle.for_repo_python_file(path, "define_repo").build_repository_definition()
    message = str(excinfo.value)
    assert f'Error while importing your code in "{path}"' in message
    assert f'File "{path}", line 9, in <module>' in message
    assert f'File "{path}", line 6, in helper' in message
    assert message.rstrip().endswith("ValueError: bad setting in user code")
    assert "importlib" not in message
    assert "dagster/core" not in message


def test_syntax_error_names_file_and_line(tmp_path):
    path = write_module(tmp_path, "syntax_error_module", "x = 1\ndef broken(:\n    pass\n")
    with pytest.raises(DagsterCodeLoadError) as excinfo:
        ExecutionTargetHandle.for_pipeline_python_file(path, "broken").build_pipeline_definition()
    message = str(excinfo.value)
    assert f'File "{path}", line 2' in message
    assert "SyntaxError" in message


def test_missing_attribute_lists_names(repo_file):
    path, prefix = repo_file
    with pytest.raises(DagsterCodeLoadError) as excinfo:
        ExecutionTargetHandle.for_repo_python_file(path, "define_rep").build_repository_definition()
    message = str(excinfo.value)
    assert f'"define_rep" not found in {path}. Did you mean "define_repo"?' in message
    assert f"Names defined there: define_math, define_repo, {prefix}_math, {prefix}_single." in message


def test_attribute_of_wrong_type(repo_file):
    path, _prefix = repo_file
    with pytest.raises(
        DagsterCodeLoadError, match='"NOT_A_DEFINITION" in .* is a int. It must be a PipelineDefinition'
    ):
        ExecutionTargetHandle.for_repo_python_file(path, "NOT_A_DEFINITION").build_repository_definition()


def test_function_that_raises_or_returns_wrong_type(tmp_path):
    path = write_module(
        tmp_path,
        "fn_errors_module",
        """
        def raises():
            return {}["missing"]


        def returns_string():
            return "not a pipeline"
        """,
    )
    with pytest.raises(DagsterCodeLoadError) as excinfo:
        ExecutionTargetHandle.for_pipeline_python_file(path, "raises").build_pipeline_definition()
    assert 'Error while calling "raises"' in str(excinfo.value)
    assert f'File "{path}", line 3, in raises' in str(excinfo.value)
    assert "KeyError: 'missing'" in str(excinfo.value)
    with pytest.raises(
        DagsterCodeLoadError, match="returned str, not a PipelineDefinition or RepositoryDefinition"
    ):
        ExecutionTargetHandle.for_pipeline_python_file(path, "returns_string").build_pipeline_definition()


def test_unknown_pipeline_lists_the_repositorys_pipelines(repo_file):
    path, prefix = repo_file
    handle = ExecutionTargetHandle.for_repo_python_file(path, "define_repo").with_pipeline_name(
        f"{prefix}_mat"
    )
    with pytest.raises(DagsterCodeLoadError) as excinfo:
        handle.build_pipeline_definition()
    assert str(excinfo.value) == (
        f'Pipeline "{prefix}_mat" not found in repository "{prefix}_repo". Did you mean "{prefix}_math"? '
        f"Pipelines there: {prefix}_math, {prefix}_single."
    )


def test_missing_python_file(tmp_path):
    with pytest.raises(DagsterCodeLoadError, match='Python file ".*gone.py" does not exist'):
        ExecutionTargetHandle.for_pipeline_python_file(
            str(tmp_path / "gone.py"), "p"
        ).build_pipeline_definition()


def test_missing_module():
    with pytest.raises(DagsterCodeLoadError, match='Could not find module "no_such_module_xyz"'):
        ExecutionTargetHandle.for_repo_module("no_such_module_xyz", "f").build_repository_definition()


def test_handle_for_object_not_in_a_module():
    from dagster import lambda_solid, pipeline

    @lambda_solid
    def local_solid():
        return 1

    @pipeline
    def local_pipeline():
        local_solid()

    with pytest.raises(DagsterInvariantViolationError, match="module-level attribute"):
        ExecutionTargetHandle.for_pipeline_fn(local_pipeline)


def test_get_handle_of_unloaded_definition_is_none(repo_file):
    from dagster import lambda_solid, pipeline

    @lambda_solid
    def lonely():
        return 1

    @pipeline
    def lonely_pipeline():
        lonely()

    assert ExecutionTargetHandle.get_handle(lonely_pipeline) == (None, None)


def test_cache_handle_and_sub_pipeline(repo_file):
    path, prefix = repo_file
    handle = ExecutionTargetHandle.for_repo_python_file(path, "define_repo").with_pipeline_name(
        f"{prefix}_math"
    )
    pipeline_def = handle.build_pipeline_definition()
    sub = pipeline_def.build_sub_pipeline(["one"])
    sub_handle, subset = ExecutionTargetHandle.get_handle(sub)
    assert sub_handle == handle
    assert subset == ["one"]
    ExecutionTargetHandle.cache_handle(sub, handle, ["one"])
    assert ExecutionTargetHandle.get_handle(sub) == (handle, ["one"])
    assert os.path.isabs(handle.data.python_file)


def test_module_whose_own_import_fails_shows_the_users_traceback(tmp_path, monkeypatch):
    write_module(tmp_path, "needs_missing_dep", "import needs_missing_dep_not_installed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(DagsterCodeLoadError) as excinfo:
        ExecutionTargetHandle.for_repo_module(
            "needs_missing_dep", "define_repo"
        ).build_repository_definition()
    message = str(excinfo.value)
    assert message.startswith('Error while importing your module "needs_missing_dep":')
    assert 'needs_missing_dep.py", line 1, in <module>' in message
    assert "No module named 'needs_missing_dep_not_installed'" in message


def test_user_file_named_like_a_loaded_module_does_not_replace_it(tmp_path):
    import string as stdlib_string

    path = write_module(tmp_path, "string", REPO_SOURCE.format(prefix="shadow"))
    repo = ExecutionTargetHandle.for_repo_python_file(path, "define_repo").build_repository_definition()
    assert repo.name == "shadow_repo"
    assert sys.modules["string"] is stdlib_string
    # Loading it again reuses the module loaded the first time.
    first = ExecutionTargetHandle.for_repo_python_file(path, "define_repo").entrypoint.module
    again = ExecutionTargetHandle.for_repo_python_file(path, "define_repo").entrypoint.module
    assert again is first
    assert again.__file__ == path
    assert again.__name__.startswith("string_")


def test_reloading_a_different_file_with_the_same_name(tmp_path):
    first_dir, second_dir = tmp_path / "one", tmp_path / "two"
    first_dir.mkdir()
    second_dir.mkdir()
    first = write_module(first_dir, "same_name_repo", REPO_SOURCE.format(prefix="first"))
    second = write_module(second_dir, "same_name_repo", REPO_SOURCE.format(prefix="second"))
    assert ExecutionTargetHandle.for_repo_python_file(
        first, "define_repo"
    ).build_repository_definition().name == ("first_repo")
    assert ExecutionTargetHandle.for_repo_python_file(
        second, "define_repo"
    ).build_repository_definition().name == ("second_repo")
    assert sys.modules["same_name_repo"].__file__ == second


def test_pipeline_taken_from_a_loaded_repository_has_its_handle(repo_file):
    path, prefix = repo_file
    repo_handle = ExecutionTargetHandle.for_repo_python_file(path, "define_repo")
    repo = repo_handle.build_repository_definition()
    pipeline_def = repo.get_pipeline(f"{prefix}_single")
    handle, subset = ExecutionTargetHandle.get_handle(pipeline_def)
    assert handle == repo_handle.with_pipeline_name(f"{prefix}_single")
    assert subset is None
    assert handle.build_pipeline_definition().name == f"{prefix}_single"


def test_a_pipeline_imported_into_a_script_is_reloaded_from_its_module(tmp_path):
    # Workers rebuild the pipeline from the handle: it must name the module that defines the
    # pipeline, not the script (__main__) that merely imported it.
    (tmp_path / "mypipes.py").write_text(
        "from dagster import lambda_solid, pipeline\n\n"
        "@lambda_solid\ndef one():\n    return 1\n\n"
        "@pipeline\ndef my_pipeline():\n    one()\n"
    )
    (tmp_path / "run.py").write_text(
        "from dagster.core.definitions.handle import ExecutionTargetHandle\n"
        "from mypipes import my_pipeline\n\n"
        "data = ExecutionTargetHandle.for_pipeline_fn(my_pipeline).data\n"
        "print(data.python_file, data.fn_name)\n"
    )
    out = subprocess.run(
        [sys.executable, "run.py"], cwd=tmp_path, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [str(tmp_path / "mypipes.py"), "my_pipeline"]
