"""Builtin and parametrized types unpickle to the very same objects, also in another process."""

from __future__ import annotations

import pickle
import subprocess
import sys

from dagster.core.types.dagster_type import (
    Any,
    Int,
    List,
    Nothing,
    Optional,
    Path,
    PythonObjectDagsterType,
    String,
)
from dagster.core.types.python_dict import Dict, PythonDict
from dagster.core.types.python_set import PythonSet, Set
from dagster.core.types.python_tuple import PythonTuple, Tuple

TYPES = [
    Int,
    Any,
    Nothing,
    Path,
    PythonDict,
    PythonSet,
    PythonTuple,
    List[Int],
    Optional[List[String]],
    Dict[str, int],
    Set[int],
    Tuple[int, str],
]


def test_same_objects_in_this_process():
    for dagster_type in TYPES:
        assert pickle.loads(pickle.dumps(dagster_type)) is dagster_type


def test_same_objects_in_a_fresh_process():
    script = (
        "import pickle, sys\n"
        "from dagster.core.types.dagster_type import List, Optional, Int, String\n"
        "from dagster.core.types.python_tuple import Tuple\n"
        "types = pickle.loads(sys.stdin.buffer.read())\n"
        "assert types[0] is Int and types[1] is List[Int] and types[2] is Optional[List[String]]\n"
        "assert types[3] is Tuple[int, str]\n"
        "print(types[4].display_name, types[5].display_name)\n"
    )
    payload = pickle.dumps([Int, List[Int], Optional[List[String]], Tuple[int, str], PythonDict, Set[int]])
    result = subprocess.run([sys.executable, "-c", script], input=payload, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().split() == ["PythonDict", "Set[Int]"]


def test_user_types_pickle_as_copies():
    user_type = PythonObjectDagsterType(bytes, name="Blob")
    copy = pickle.loads(pickle.dumps(user_type))
    assert (copy.key, copy.python_type) == ("Blob", bytes)
    assert copy.type_check(None, b"x").success
