"""What each slide of a deck looks like, as a key: the slide's own XML and everything it draws on (layout, master,
theme, pictures), without its speaker notes, so that two slides that would be drawn alike have the same key."""

from __future__ import annotations

import hashlib
from xml.etree import ElementTree

from aspo.core.bounded import OverBudget, ZipBudget, open_zip, zip_errors
from aspo.core.errors import AspoError
from aspo.office.ooxml import R_ID, RELATIONSHIPS, P, rels_part, target_part

#: Relationships that do not change how a slide is drawn (notes), or lead from a master to every other layout.
_NOT_DRAWN = ("/notesSlide", "/notesMaster", "/handoutMaster")


def slide_keys(deck: bytes, where: str = "deck") -> list[str]:
    """One key per slide, in the deck's order. Every part is read through one unpacking budget; a deck that is not
    a sound zip, or whose parts cannot be read, is one line naming it (`where`)."""
    try:
        with open_zip(deck) as budget:
            return _keys(budget)
    except OverBudget as exc:
        raise AspoError.at(where, None, None, f"cannot read this file as a PowerPoint .pptx file: {exc}") from None
    except (*zip_errors(), ElementTree.ParseError):
        raise AspoError.at(where, None, None, "cannot read this file as a PowerPoint .pptx file: damaged (a part "
                                              "cannot be unpacked or read)") from None


def _keys(budget: ZipBudget) -> list[str]:
    names = set(budget.package.namelist())
    presentation = ElementTree.fromstring(budget.read("ppt/presentation.xml"))
    size = presentation.find(f"{P}sldSz")
    size_text = f"{size.get('cx')}x{size.get('cy')}" if size is not None else ""
    targets = _relationships(budget, names, "ppt/presentation.xml")
    keys: dict[str, str] = {}
    found = []
    for slide in presentation.iterfind(f"{P}sldIdLst/{P}sldId"):
        target = targets.get(slide.get(R_ID))
        if target is None:
            continue
        digest = hashlib.sha256(size_text.encode())
        digest.update(_part_key(budget, names, target[1], keys, set()).encode())
        found.append(digest.hexdigest())
    return found


def _part_key(budget: ZipBudget, names: set[str], part: str, keys: dict[str, str], seen: set[str]) -> str:
    """The part's bytes and, by relationship id and type, the keys of the parts it refers to."""
    if part in keys:
        return keys[part]
    if part in seen or part not in names:  # a cycle (layout -> master -> layout), or a link to nothing
        return f"missing:{part}"
    seen = seen | {part}
    digest = hashlib.sha256()
    for chunk in budget.chunks(part):
        digest.update(chunk)
    from_master = "/slideMasters/" in f"/{part}"
    for rel_id, (kind, target, external) in sorted(_relationships(budget, names, part).items()):
        if kind.endswith(_NOT_DRAWN) or (from_master and kind.endswith("/slideLayout")):
            continue
        digest.update(f"\0{rel_id}\0{kind}\0".encode())
        digest.update((f"external:{target}" if external else _part_key(budget, names, target, keys, seen)).encode())
    keys[part] = digest.hexdigest()
    return keys[part]


def _relationships(budget: ZipBudget, names: set[str], part: str) -> dict[str, tuple[str, str, bool]]:
    """The part's relationships: id -> (type, target part name or external address, is external)."""
    rels = rels_part(part)
    if rels not in names:
        return {}
    found = {}
    for rel in ElementTree.fromstring(budget.read(rels)).iter(f"{RELATIONSHIPS}Relationship"):
        target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
        found[rel.get("Id", "")] = (rel.get("Type", ""), target if external else target_part(part, target), external)
    return found
