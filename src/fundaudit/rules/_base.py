"""What every rule shares: the Rule record and a walk over nodes with their names."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from fundaudit.findings import Relation
from fundaudit.model import Budget, Declared, Document, Figure, Node, SplitEntry


@dataclass(frozen=True, slots=True)
class Rule:
    """A check: an id such as ``cross-foot``, a title, and a pure function deriving relations.

    The module docstring of the rule is its user documentation.
    """

    id: str
    title: str
    derive: Callable[[Budget], Iterable[Relation]]
    doc: str


@dataclass(frozen=True, slots=True)
class At:
    """A node in context: its document, its program's name and the names down to it."""

    doc: Document
    node: Node
    names: tuple[str, ...]

    @property
    def ref(self) -> str:
        return f"{self.doc.id}::{self.node.path}"

    @property
    def subject(self) -> str:
        return " › ".join(self.names)

    @property
    def program(self) -> str:
        return self.names[0]


def walk(budget: Budget) -> Iterator[At]:
    """Every program and item of every document, depth first, with its chain of names."""
    for doc in budget.documents:
        for program in doc.programs:
            yield from _walk(doc, program, (program.name,))


def _walk(doc: Document, node: Node, names: tuple[str, ...]) -> Iterator[At]:
    yield At(doc, node, names)
    for item in node.items:
        yield from _walk(doc, item, (*names, item.name))


def split_figures(entries: tuple[SplitEntry, ...]) -> tuple[list[Figure], list[str]]:
    """The figures making up a split at its top level; names of entries with no amount."""
    figs: list[Figure] = []
    missing: list[str] = []
    for entry in entries:
        if entry.amount is not None:
            figs.append(entry.amount)
        elif entry.split and not entry.partial:
            sub, miss = split_figures(entry.split)
            figs.extend(sub)
            missing.extend(miss)
        else:
            missing.append(entry.key)
    return figs, missing


def node_figure(node: Node, name: str) -> Figure | None:
    """A node's figure by local name: ``total``, a split key path, or a ``figures`` name."""
    if name == "total":
        return node.total
    for fig in node.figures:
        if fig.label == name:
            return fig
    found = find_split(node.split, name)
    return found.amount if found is not None else None


def find_split(entries: tuple[SplitEntry, ...], key: str) -> SplitEntry | None:
    """The split entry whose key (or key path ``a/b``) is ``key``, at any depth."""
    last = key.rsplit("/", 1)[-1]
    for entry in entries:
        if entry.key == last or entry.key == key:
            return entry
        found = find_split(entry.split, key)
        if found is not None:
            return found
    return None


def program_name(budget: Budget, fig: Figure) -> str:
    """The name of the program a figure belongs to (from its reference)."""
    doc_id, _, rest = fig.ref.partition("::")
    program_id = rest.split(":", 1)[0].split("/", 1)[0]
    for doc in budget.documents:
        if doc.id == doc_id:
            for program in doc.programs:
                if program.id == program_id:
                    return program.name
    return program_id


def declared(budget: Budget, kinds: tuple[str, ...]) -> Iterator[tuple[Document, Declared]]:
    """The explicit ``relations:`` of every document whose kind is in ``kinds``."""
    for doc in budget.documents:
        for rel in doc.relations:
            if rel.kind in kinds:
                yield doc, rel


def declared_relation(budget: Budget, doc_id: str, rel: Declared, rule: str, kind: str, what: str) -> Relation:
    """A Relation from an explicit declaration; its subject is the program and the note."""
    program = program_name(budget, rel.total)
    subject = f"{program} › {rel.note}" if rel.note else program
    return Relation(
        id=f"{rel.id}#{rule}",
        rule=rule,
        kind=kind,
        total=rel.total,
        parts=rel.parts,
        subject=subject,
        what=what,
        document=doc_id,
        program=program,
        location=rel.yaml,
        note=rel.note,
    )
