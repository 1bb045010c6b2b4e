import os

from dagster.core.storage.file_manager import LocalFileHandle
from dagster.utils.temp_file import get_temp_file_handle_with_data


def test_temp_file_handle_holds_the_data_and_is_removed_afterwards():
    with get_temp_file_handle_with_data(b"a,b\n1,2\n") as handle:
        assert isinstance(handle, LocalFileHandle)
        with open(handle.path, "rb") as file_obj:
            assert file_obj.read() == b"a,b\n1,2\n"
        path = handle.path
    assert not os.path.exists(path)


def test_mkdir_p_creates_parents_and_tolerates_existing(tmp_path):
    from dagster.utils import mkdir_p

    target = str(tmp_path / "a" / "b")
    assert mkdir_p(target) == target
    assert mkdir_p(target) == target
    assert os.path.isdir(target)
