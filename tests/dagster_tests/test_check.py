"""Argument checks name the parameter that was wrong."""

import pytest

from dagster import check


def test_scalar_checks_name_the_parameter():
    assert check.str_param("a", "name") == "a"
    with pytest.raises(check.ParameterCheckError, match='Param "name" is not a string. Got 3'):
        check.str_param(3, "name")
    with pytest.raises(check.ParameterCheckError, match='Param "count" is not an int'):
        check.int_param(True, "count")
    assert check.opt_int_param(None, "count", 5) == 5
    assert check.float_param(2, "ratio") == 2


def test_collections_check_their_members():
    assert check.list_param([1, 2], "xs", int) == [1, 2]
    with pytest.raises(check.ElementCheckError, match='Member of "xs" is not a int'):
        check.list_param([1, "2"], "xs", int)
    assert check.opt_list_param(None, "xs") == []
    assert check.opt_dict_param(None, "d") == {}
    with pytest.raises(check.ElementCheckError, match='Member of "d" is not a str'):
        check.dict_param({1: "a"}, "d", key_type=str)
    assert check.opt_nullable_dict_param(None, "d") is None


def test_instances_subclasses_and_callables():
    class Base:
        pass

    class Child(Base):
        pass

    assert isinstance(check.inst_param(Child(), "obj", Base), Child)
    with pytest.raises(check.ParameterCheckError, match='Param "obj" is not a Base'):
        check.inst_param(object(), "obj", Base)
    assert check.subclass_param(Child, "klass", Base) is Child
    with pytest.raises(check.ParameterCheckError, match='Param "fn" is not callable'):
        check.callable_param(3, "fn")


def test_invariant_and_failed_carry_the_description():
    assert check.invariant(True)
    with pytest.raises(check.CheckError, match="Invariant failed. Description: must be positive"):
        check.invariant(False, "must be positive")
    with pytest.raises(check.CheckError, match="Failure condition: boom"):
        check.failed("boom")
