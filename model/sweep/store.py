"""The Parquet store of a sweep: a folder of files, one per batch of finished runs, written atomically."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from model.sweep.plan import _label

MANIFEST = "_sweep.json"  # a leading "_" (or ".") keeps a file out of pandas.read_parquet(folder)


class _Folder:
    """A folder of Parquet files, one per batch of finished runs, all with one schema."""

    def __init__(self, out, manifest: dict, resume: bool):
        self.path = Path(out)
        if self.path.suffix != ".parquet":
            raise ValueError(
                f"out must end in .parquet (a folder of Parquet files that pandas.read_parquet reads "
                f"whole), got {str(out)!r}"
            )
        if not self.path.parent.exists():
            raise ValueError(f"out: folder {str(self.path.parent)!r} does not exist")
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"out: {str(out)!r} is a file, not a sweep folder; choose another path")
        self.manifest, self.resume = manifest, resume
        existing = self.path.exists() and any(self.path.iterdir())
        if existing and not resume:
            raise ValueError(
                f"out: {str(out)!r} already holds results; pass resume=True (--resume) to finish that "
                "sweep, or choose another path"
            )
        if existing:
            written = self.path / MANIFEST
            if not written.exists():
                raise ValueError(f"out: {str(out)!r} is not a sweep folder (no {MANIFEST}); choose another path")
            before = json.loads(written.read_text())
            if before != manifest:
                differ = sorted(k for k in set(before) | set(manifest) if before.get(k) != manifest.get(k))
                raise ValueError(
                    f"out: {str(out)!r} holds a different sweep (it differs in {', '.join(differ)}); "
                    "resume needs the same model, parameters, seeds, max_steps and "
                    "data_collection_period"
                )
        self.schema: pa.Schema | None = None
        self.number = 0

    def open(self) -> set[int]:
        """Make the folder ready; the RunIds already written."""
        self.path.mkdir(exist_ok=True)
        for stale in self.path.glob(".part-*.tmp"):  # a write cut short by a crash: its runs run again
            stale.unlink()
        if not (self.path / MANIFEST).exists():
            _atomic_write_text(self.path / MANIFEST, json.dumps(self.manifest, indent=1))
        done: set[int] = set()
        parts = self.parts()
        for part in parts:
            schema = pq.read_schema(part)
            self.schema = schema if self.schema is None else _merge(self.schema, schema)
            done.update(pq.read_table(part, columns=["RunId"]).column("RunId").to_pylist())
            self.number = max(self.number, int(part.stem.split("-")[1]) + 1)
        if parts:
            self._conform_files(self.schema)  # a crash mid-rewrite can leave files on an older schema
        return done

    def parts(self) -> list[Path]:
        return sorted(self.path.glob("part-*.parquet"))

    def write(self, rows: list[dict]):
        """Append one batch of rows as a new file, widening the folder's schema (and older files) if needed."""
        table = _table(rows)
        schema = table.schema if self.schema is None else _merge(self.schema, table.schema)
        if self.schema is not None and not schema.equals(self.schema):
            self._conform_files(schema)
        self.schema = schema
        self._write(_conform(table, schema), self.path / f"part-{self.number:06d}.parquet")
        self.number += 1

    def _conform_files(self, schema: pa.Schema):
        for part in self.parts():
            if not pq.read_schema(part).equals(schema):
                self._write(_conform(pq.read_table(part), schema), part)

    def _write(self, table: pa.Table, target: Path):
        temporary = self.path / f".{target.name}.tmp"
        with open(temporary, "wb") as handle:
            pq.write_table(table, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)  # atomic: readers see the whole file or none of it


def _atomic_write_text(path: Path, text: str):
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def _table(rows: list[dict]) -> pa.Table:
    """Rows (which may lack some keys: a failed run has no reporters) as one table."""
    names = _ordered(dict.fromkeys(k for row in rows for k in row))
    return pa.table({name: _array([row.get(name) for row in rows]) for name in names})


def _ordered(names) -> list[str]:
    """Column order: identifiers, parameters, reporters as they come, then status and error last."""
    last = [name for name in ("status", "error") if name in names]
    return [name for name in names if name not in last] + last


def _array(values: list) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else v if isinstance(v, str) else _label(v) for v in values], pa.string())


def _merge(a: pa.Schema, b: pa.Schema) -> pa.Schema:
    """Both schemas' columns; a column typed differently takes the wider type (int → float), else string."""
    types = {field.name: field.type for field in a}
    for field in b:
        known = types.get(field.name)
        if known is None or known == field.type:
            types.setdefault(field.name, field.type)
            continue
        try:
            types[field.name] = (
                pa.unify_schemas([pa.schema([(field.name, known)]), pa.schema([field])], promote_options="permissive")
                .field(0)
                .type
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
            types[field.name] = pa.string()
    return pa.schema([(name, types[name]) for name in _ordered(types)])


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    columns = []
    for field in schema:
        if field.name not in table.column_names:
            columns.append(pa.nulls(len(table), field.type))
            continue
        column = table.column(field.name)
        if column.type != field.type:
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
                column = pa.array([None if v is None else str(v) for v in column.to_pylist()], field.type)
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema)
