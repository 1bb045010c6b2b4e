"""The builtin scalar names. Each works both as a config type and as a Dagster runtime type.

They are ``typing.NewType`` objects (and ``Any`` is ``typing.Any``) so that they also read well as
Python annotations; the config and type systems map them to their own builtin types.
"""

import typing

Any = typing.Any
Bool = typing.NewType("Bool", bool)
Float = typing.NewType("Float", float)
Int = typing.NewType("Int", int)
String = typing.NewType("String", str)
Nothing = typing.NewType("Nothing", type(None))

__all__ = ["Any", "Bool", "Float", "Int", "String", "Nothing"]
