"""Print a config type as text: ``{ a: Int b?: String n: Int? }`` on one line, or indented.

``?`` after a field name marks an optional field; ``?`` after a type marks a Noneable type;
``[T]`` is an Array; ``(S | T)`` a ScalarUnion; an Enum prints as its name. Fields are sorted.
"""

from __future__ import annotations

from dagster.config.config_type import ConfigType, ConfigTypeKind

_INDENT = "  "


def print_config_type_to_string(config_type: ConfigType, with_lines: bool = True) -> str:
    """The type as text; ``with_lines=False`` gives the single-line form used in error messages."""
    lines: list[str] = []
    _Printer(lines, with_lines).write(config_type, 0)
    return "\n".join(lines) if with_lines else "".join(lines)


class _Printer:
    def __init__(self, out: list[str], with_lines: bool):
        self._out = out
        self._with_lines = with_lines

    def _append(self, text: str) -> None:
        if self._with_lines:
            if not self._out:
                self._out.append("")
            self._out[-1] += text
        else:
            self._out.append(text)

    def _newline(self, depth: int) -> None:
        if self._with_lines:
            self._out.append(_INDENT * depth)
        else:
            self._out.append(" ")

    def write(self, config_type: ConfigType, depth: int) -> None:
        kind = config_type.kind
        if kind == ConfigTypeKind.ARRAY:
            self._append("[")
            self.write(config_type.inner_type, depth)  # type: ignore[attr-defined]
            self._append("]")
        elif kind == ConfigTypeKind.NONEABLE:
            self.write(config_type.inner_type, depth)  # type: ignore[attr-defined]
            self._append("?")
        elif kind == ConfigTypeKind.SCALAR_UNION:
            self._append("(")
            self.write(config_type.scalar_type, depth)  # type: ignore[attr-defined]
            self._append(" | ")
            self.write(config_type.non_scalar_type, depth)  # type: ignore[attr-defined]
            self._append(")")
        elif ConfigTypeKind.has_fields(kind):
            self._write_fields(config_type, depth)
        else:
            self._append(config_type.given_name or config_type.key)

    def _write_fields(self, config_type: ConfigType, depth: int) -> None:
        fields = config_type.fields  # type: ignore[attr-defined]
        if not fields:
            self._append("{}")
            return
        self._append("{")
        for name in sorted(fields):
            field = fields[name]
            self._newline(depth + 1)
            self._append(f"{name}{'' if field.is_required else '?'}: ")
            self.write(field.config_type, depth + 1)
        self._newline(depth)
        self._append("}")
