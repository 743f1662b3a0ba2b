"""A JSON Schema of the data format, for editors (yaml-language-server) and CI.

It is kept in step with the loader by tests: every data file the loader accepts validates,
and the bad inputs of the loader's tests are rejected. The loader stays the authority (it
also checks references, units and duplicate ids, which a schema cannot).
"""

from __future__ import annotations

from typing import Any

ID = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_-]*$"}
LINE = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "pattern": r"^[1-9][0-9]*$"}]}
NUMBER = r"-?(0|[1-9][0-9]*)(\.[0-9]+)?"
COMPACT = {"type": "string", "pattern": rf"^\s*{NUMBER}\s*[^\s@0-9.,+-][^\s@]*\s*@\s*[1-9][0-9]*\s*$"}
FIGURE: dict[str, Any] = {
    "anyOf": [
        COMPACT,
        {
            "type": "object",
            "required": ["value", "unit", "line"],
            "additionalProperties": False,
            "properties": {
                "value": {"anyOf": [{"type": "string", "pattern": rf"^{NUMBER}$"}, {"type": "number"}]},
                "unit": {"type": "string", "minLength": 1},
                "line": LINE,
                "bound": {"enum": ["min", "max", "approx"]},
                "note": {"type": "string"},
            },
        },
    ]
}
TEXT = {"type": "string"}
FLAG = {"type": "boolean"}
FIGURES = {"type": "object", "additionalProperties": {"$ref": "#/$defs/figure"}}

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://fundaudit.invalid/schema/data-format-1.json",
    "title": "fundaudit budget data",
    "description": "data/budgets.yaml (entry file) or a file it includes. See docs/data-format.md.",
    "anyOf": [{"$ref": "#/$defs/entry"}, {"$ref": "#/$defs/fragment"}, {"$ref": "#/$defs/linksFile"}],
    "$defs": {
        "figure": FIGURE,
        "entry": {
            "type": "object",
            "required": ["documents"],
            "additionalProperties": False,
            "properties": {
                "fundaudit": {"enum": [1, "1"]},
                "documents": {"type": "array", "items": {"$ref": "#/$defs/document"}},
                "links": {"$ref": "#/$defs/links"},
                "include": {"type": "array", "items": TEXT},
            },
        },
        "document": {
            "type": "object",
            "required": ["id", "source", "title"],
            "additionalProperties": False,
            "properties": {
                "id": ID,
                "source": TEXT,
                "title": TEXT,
                "issuer": TEXT,
                "date": TEXT,
                "include": {"type": "array", "items": TEXT},
                "programs": {"type": "array", "items": {"$ref": "#/$defs/program"}},
                "relations": {"type": "array", "items": {"$ref": "#/$defs/relation"}},
            },
        },
        "fragment": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "programs": {"type": ["array", "null"], "items": {"$ref": "#/$defs/program"}},
                "relations": {"type": ["array", "null"], "items": {"$ref": "#/$defs/relation"}},
                "links": {"$ref": "#/$defs/links"},
            },
        },
        "linksFile": {
            "type": "object",
            "required": ["links"],
            "additionalProperties": False,
            "properties": {"links": {"$ref": "#/$defs/links"}},
        },
        "nodeProps": {
            "type": "object",
            "properties": {
                "id": ID,
                "name": TEXT,
                "line": LINE,
                "total": {"$ref": "#/$defs/figure"},
                "only": TEXT,
                "split": {"$ref": "#/$defs/split"},
                "split_partial": FLAG,
                "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
                "items_partial": FLAG,
                "figures": FIGURES,
                "schedule": {"$ref": "#/$defs/schedule"},
                "shares": {"$ref": "#/$defs/shares"},
                "tables": {"type": "array", "items": {"$ref": "#/$defs/table"}},
                "note": TEXT,
                "drafted": TEXT,
            },
        },
        "program": {
            "allOf": [{"$ref": "#/$defs/nodeProps"}],
            "type": "object",
            "required": ["id", "name"],
            "unevaluatedProperties": False,
        },
        "item": {
            "allOf": [{"$ref": "#/$defs/nodeProps"}],
            "type": "object",
            "required": ["name"],
            "unevaluatedProperties": False,
        },
        "split": {
            "type": "object",
            "additionalProperties": {
                "anyOf": [
                    {"$ref": "#/$defs/figure"},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "amount": {"$ref": "#/$defs/figure"},
                            "split": {"$ref": "#/$defs/split"},
                            "partial": FLAG,
                            "all": TEXT,
                        },
                    },
                ]
            },
        },
        "schedule": {
            "type": "object",
            "required": ["kind", "periods"],
            "additionalProperties": False,
            "properties": {
                "kind": {"enum": ["incremental", "cumulative"]},
                "of": TEXT,
                "periods": FIGURES,
                "partial": FLAG,
                "note": TEXT,
            },
        },
        "shares": {
            "type": "object",
            "required": ["parts"],
            "additionalProperties": False,
            "properties": {"of": TEXT, "parts": FIGURES, "partial": FLAG, "note": TEXT},
        },
        "column": {
            "anyOf": [
                TEXT,
                {
                    "type": "object",
                    "required": ["name"],
                    "additionalProperties": False,
                    "properties": {"name": TEXT, "unit": TEXT, "foot": FLAG},
                },
            ]
        },
        "cell": {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]},
        "row": {
            "type": "object",
            "required": ["label", "line", "cells"],
            "additionalProperties": False,
            "properties": {
                "id": {"type": ["string", "integer"]},
                "label": TEXT,
                "line": LINE,
                "cells": {"type": "array", "items": {"$ref": "#/$defs/cell"}},
                "role": {"enum": ["detail", "subtotal", "total"]},
                "sums": {"type": "array", "items": {"type": ["string", "integer"]}},
                "unit": TEXT,
                "cross": FLAG,
                "note": TEXT,
            },
        },
        "table": {
            "type": "object",
            "required": ["id", "title", "line", "columns", "rows"],
            "additionalProperties": False,
            "properties": {
                "id": ID,
                "title": TEXT,
                "line": LINE,
                "unit": TEXT,
                "columns": {"type": "array", "items": {"$ref": "#/$defs/column"}},
                "column_sums": {"type": "object", "additionalProperties": {"type": "array", "items": TEXT}},
                "rows": {"type": "array", "items": {"$ref": "#/$defs/row"}},
                "schedules": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["kind", "of", "periods"],
                        "additionalProperties": False,
                        "properties": {
                            "kind": {"enum": ["incremental", "cumulative"]},
                            "of": TEXT,
                            "periods": {"type": "array", "items": TEXT},
                        },
                    },
                },
                "products": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["amount", "price", "quantity"],
                        "additionalProperties": False,
                        "properties": {"amount": TEXT, "price": TEXT, "quantity": TEXT},
                    },
                },
                "note": TEXT,
                "drafted": TEXT,
            },
        },
        "relation": {
            "type": "object",
            "required": ["id", "kind", "total", "parts"],
            "additionalProperties": False,
            "properties": {
                "id": ID,
                "kind": {"enum": ["sum", "sum-partial", "equal", "cumulative", "product"]},
                "total": TEXT,
                "parts": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "anyOf": [
                            TEXT,
                            {
                                "type": "object",
                                "required": ["ref", "times"],
                                "additionalProperties": False,
                                "properties": {
                                    "ref": TEXT,
                                    "times": {
                                        "anyOf": [
                                            {"type": "integer", "minimum": 2, "maximum": 1000},
                                            {"type": "string", "pattern": "^[1-9][0-9]*$"},
                                        ]
                                    },
                                },
                            },
                        ]
                    },
                },
                "same": {"type": "array", "minItems": 2, "items": TEXT},
                "per": TEXT,
                "note": TEXT,
                "drafted": TEXT,
            },
        },
        "links": {
            "type": ["array", "null"],
            "items": {
                "type": "object",
                "required": ["id", "figures"],
                "additionalProperties": False,
                "properties": {
                    "id": ID,
                    "figures": {"type": "array", "minItems": 2, "items": {"type": "string", "pattern": "::"}},
                    "kind": {
                        "enum": ["equal", "supersedes"],
                        "description": "equal (default): the figures agree; supersedes: the first figure's "
                        "document revises the others (verdict revised, not mismatch)",
                    },
                    "note": TEXT,
                    "sources": {"type": "array", "items": TEXT},
                },
            },
        },
    },
}
