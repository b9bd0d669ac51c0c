"""Where kg's data files live, and cached loaders for them.

The ontology, shapes, reference knowledge and extraction patterns are data under
`ontology/`. `KG_DATA_DIR` may point elsewhere (a checkout's `ontology/` folder).
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import yaml

from .errors import ReferenceDataError


def data_dir() -> Path:
    env = os.environ.get("KG_DATA_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "ontology"


def path(*parts: str) -> Path:
    p = data_dir().joinpath(*parts)
    if not p.exists():
        raise ReferenceDataError(f"{p}: data file missing (is kg installed from a checkout? set KG_DATA_DIR)")
    return p


@functools.lru_cache(maxsize=None)
def load_yaml(*parts: str):
    p = path(*parts)
    try:
        return yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ReferenceDataError(f"{p}: not valid YAML: {exc}") from None


@functools.lru_cache(maxsize=None)
def load_lines(*parts: str) -> tuple[str, ...]:
    p = path(*parts)
    out = []
    for line in p.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return tuple(out)
