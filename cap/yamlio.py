"""Reading YAML safely with node positions, and the one canonical way of writing it.

Reading uses the libyaml-backed safe loader (pure-Python safe loader where libyaml is
missing) with four refusals a plain `yaml.safe_load` lacks: duplicate keys, anchors and
aliases (so an alias bomb cannot expand), merge keys, and any tag outside the YAML core
schema. Each refusal is a `YamlFault` carrying the line and column.

    >>> doc = parse("ref: '4.4'\\nstatus: open\\n")
    >>> doc.data, doc.position(("status",))
    ({'ref': '4.4', 'status': 'open'}, (2, 9))

Faults come in two kinds. A refusal that makes the whole text untrustworthy (a syntax
error, an alias, a merge key, a tag, too deep a nesting) always raises. A fault in one
value (an impossible date, a duplicate key, a key that is not a plain value) raises too,
unless `parse(text, collect=True)`: then each is kept on `Document.faults`, the raw text
stands in for the bad date, the first value of a duplicate key is kept, and reading goes
on, so `cap validate` can report every problem of a file in one run.

    >>> doc = parse("a: 2017-13-01\\nb: 1\\nb: 2\\n", collect=True)
    >>> doc.data, [(f.code, f.line, f.col) for f in doc.faults]
    ({'a': '2017-13-01', 'b': 1}, [('CAP103', 1, 4), ('CAP006', 3, 1)])

Writing (`dump`) is deterministic: fixed key order (the caller's), long texts as folded
block scalars, multi-line texts as literal block scalars, unicode kept, ISO dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import io
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cap import canonical

try:
    _BaseLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _BaseLoader = yaml.SafeLoader

_CORE = "tag:yaml.org,2002:"


class YamlFault(Exception):
    """A YAML text we refuse: `code`, `message`, 1-based `line` and `col`."""

    def __init__(self, code: str, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.code, self.message, self.line, self.col = code, message, line, col


def _fault(code: str, message: str, node: Node, kind: type[YamlFault] = YamlFault) -> YamlFault:
    mark = node.start_mark
    return kind(code, message, mark.line + 1, mark.column + 1)


class _Composer(_BaseLoader):  # type: ignore[misc, valid-type]
    """libyaml's parser and composer with PyYAML's safe resolver: a node tree, no values.

    The resolver is PyYAML's, trimmed of what this loader never uses (path resolvers):
    the same tags, a third of the time per scalar.
    """

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: Any, implicit: tuple) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, regexp in self._implicit.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


_STR, _MAP, _SEQ = _CORE + "str", _CORE + "map", _CORE + "seq"
# PyYAML keys implicit resolvers by a scalar's first character (cap.canonical.IMPLICIT).
# The safe loader has no wildcard (None) resolvers; if a PyYAML ever adds one, keep its way.
_Composer._implicit = canonical.IMPLICIT
if canonical.HAS_WILDCARD:  # pragma: no cover
    del _Composer.resolve, _Composer.descend_resolver, _Composer.ascend_resolver
_TIMESTAMP, _MERGE = _CORE + "timestamp", _CORE + "merge"
_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d\Z")
#: Scalars other than text are built by PyYAML's own safe constructor methods.
_SCALARS = yaml.constructor.SafeConstructor()
_SCALAR_BUILDERS = {
    _CORE + "int": _SCALARS.construct_yaml_int,
    _CORE + "float": _SCALARS.construct_yaml_float,
    _CORE + "bool": _SCALARS.construct_yaml_bool,
    _CORE + "null": _SCALARS.construct_yaml_null,
}


class _ValueFault(YamlFault):
    """A fault in one value (an impossible date, a duplicate key, a complex key): the rest
    of the text can still be read, and `parse(text, collect=True)` goes on past it."""


class _Collecting(set):
    """The `seen` set of a build that keeps value faults in `faults` instead of raising."""

    __slots__ = ("faults",)

    def __init__(self) -> None:
        super().__init__()
        self.faults: list[YamlFault] = []


def _value_fault(seen: set[int], fault: YamlFault) -> None:
    if not isinstance(seen, _Collecting):
        raise fault from None
    seen.faults.append(fault)


_intern = sys.intern
_INTERN_UP_TO = canonical.INTERN_UP_TO


def _build(node: Node, seen: set[int]) -> Any:
    """The Python value of a node tree, refusing what a plain safe load would accept.

    Anchors and aliases (an alias is a node met twice: an alias bomb stops at once),
    merge keys and tags outside the core schema raise a YamlFault at their node. So do
    value faults (an impossible date, a duplicate key, a key that is a list or mapping),
    unless `seen` is a `_Collecting` set: then each is kept and building goes on (a bad
    date stays text, a duplicate key's later value is checked and dropped, a pair with a
    complex key is left out). This is also faster than PyYAML's generic constructor.
    """
    if id(node) in seen:
        raise _fault("CAP008", "anchors and aliases (&, *) are not allowed", node)
    seen.add(id(node))
    tag = node.tag
    if tag == _STR and isinstance(node, ScalarNode):
        return node.value
    if tag == _MAP and isinstance(node, MappingNode):
        mapping: dict = {}
        key_nodes: dict = {}
        for key_node, value_node in node.value:
            # Plain text keys and values (most of a file) are taken here, without a call.
            if key_node.tag == _STR and type(key_node) is ScalarNode and id(key_node) not in seen:
                seen.add(id(key_node))
                key = key_node.value
            else:
                if key_node.tag == _MERGE:
                    raise _fault("CAP008", "merge keys (<<) are not allowed", key_node)
                key = _build(key_node, seen)
                if isinstance(key, (list, dict)):
                    _value_fault(seen, _fault("CAP005", "a mapping key must be a plain value", key_node, _ValueFault))
                    _build(value_node, seen)  # what it holds is still checked
                    continue
            if key in key_nodes:
                message = f"duplicate key {key!r} (first at line {key_nodes[key].start_mark.line + 1})"
                if isinstance(seen, _Collecting):
                    message += "; the first value is the one checked, this one is ignored"
                _value_fault(seen, _fault("CAP006", message, key_node, _ValueFault))
                _build(value_node, seen)
                continue
            key_nodes[key] = key_node
            if value_node.tag == _STR and type(value_node) is ScalarNode and id(value_node) not in seen:
                seen.add(id(value_node))
                value = value_node.value
                # A short text (a lead, an author, a case, a status) recurs across a plan:
                # interned, a 10,000-action plan holds each once, not thousands of times.
                mapping[key] = _intern(value) if len(value) <= _INTERN_UP_TO else value
            else:
                mapping[key] = _build(value_node, seen)
        return mapping
    if tag == _SEQ and isinstance(node, SequenceNode):
        items = []
        for item in node.value:
            if item.tag == _STR and type(item) is ScalarNode and id(item) not in seen:
                seen.add(id(item))
                value = item.value
                items.append(_intern(value) if len(value) <= _INTERN_UP_TO else value)
            else:
                items.append(_build(item, seen))
        return items
    if tag == _TIMESTAMP and isinstance(node, ScalarNode):
        try:
            if _ISO_DATE.match(node.value):
                return dt.date.fromisoformat(node.value)
            return _SCALARS.construct_yaml_timestamp(node)
        except ValueError as exc:
            _value_fault(seen, _fault("CAP103", f"{node.value!r} is not a real date ({exc})", node, _ValueFault))
            return node.value  # kept as written: the model then refuses it where a date is due
    builder = _SCALAR_BUILDERS.get(tag)
    if builder is None or not isinstance(node, ScalarNode):
        shown = tag.replace(_CORE, "!!", 1)
        raise _fault("CAP007", f"tag {shown} is not allowed (plain YAML only)", node)
    try:
        return builder(node)
    except ValueError:  # a number longer than Python will read (4,300 digits)
        digits = sum(c.isdigit() for c in node.value)
        _value_fault(seen, _fault("CAP103", f"a number of {digits:,} digits is too long to read", node, _ValueFault))
        return node.value[:20] + "..."  # kept short: the model then refuses it where a number or date is due


#: Deeper than any plan file needs; libyaml's composer recurses in C, so a hostile file
#: nested thousands deep would crash the process rather than raise.
MAX_DEPTH = 64
_DEEP_HINTS = (
    re.compile(r"[-?:][ \t]+" * 7 + r"[-?:][ \t]"),  # compact `- - - -` nesting (spelt out: fast)
    re.compile(r"(?:^|\n)[ \t]{200}"),  # very deep indentation
)


def _deep_indent(text: str) -> bool:
    """`_DEEP_HINTS[1]`, asked only of a text that could match it (200 spaces, or a tab):
    the pattern itself tries every position of the text."""
    return (" " * 200 in text or "\t" in text) and _DEEP_HINTS[1].search(text) is not None


def _check_depth(text: str) -> None:
    """Refuse a document nested deeper than MAX_DEPTH, before libyaml composes it.

    A cheap look first (flow brackets, compact indicators, indentation); only a text
    that could be deep has its events counted, iteratively.
    """
    markers = text.count("[") + text.count("{") + text.count("&") + text.count("!")
    if markers <= MAX_DEPTH and not _DEEP_HINTS[0].search(text) and not _deep_indent(text):
        return
    depth = 0
    loader = _Composer(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.CollectionStartEvent, yaml.DocumentStartEvent)):
                depth += 1
                if depth > MAX_DEPTH + 1:
                    mark = event.start_mark
                    raise YamlFault("CAP003", f"YAML nested more than {MAX_DEPTH} deep", mark.line + 1, mark.column + 1)
            elif isinstance(event, (yaml.CollectionEndEvent, yaml.DocumentEndEvent)):
                depth -= 1
    finally:
        loader.dispose()


@dataclass
class Document:
    """A parsed YAML document: its Python value and its node tree (for positions)."""

    data: Any
    root: Node | None
    #: Value faults met while reading (only with `parse(text, collect=True)`), in text order.
    faults: list[YamlFault] = field(default_factory=list)
    #: What the file's bytes alone tell of its texts (cap.safetext.raw_texts): "inert",
    #: "breaks" or "unknown" (the default: every text is looked at).
    texts: str = "unknown"

    def node_at(self, loc: tuple, *, key: bool = False) -> Node | None:
        """The deepest node along `loc` (keys and indices); with `key`, a key's own node."""
        node, found = self.root, self.root
        for i, step in enumerate(loc):
            if isinstance(node, MappingNode):
                match = self._entry(node, str(step))
                if match is None:
                    break
                last = i == len(loc) - 1
                node = match[0] if (key and last) else match[1]
            elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
                node = node.value[step]
            else:
                break
            found = node
        return found

    def _entry(self, node: MappingNode, key: str) -> tuple[Node, Node] | None:
        """The first (key node, value node) of `node` whose key is `key`. A large mapping is
        indexed once (a file of 50,000 unknown keys places each of them in constant time,
        not by a scan of all the keys for each one)."""
        if len(node.value) <= 16:
            return next(((k, v) for k, v in node.value if isinstance(k, ScalarNode) and k.value == key), None)
        indexes = self.__dict__.setdefault("_key_indexes", {})
        index = indexes.get(id(node))
        if index is None:
            index = indexes[id(node)] = {}
            for k, v in node.value:
                if isinstance(k, ScalarNode):
                    index.setdefault(k.value, (k, v))
        return index.get(key)

    def position(self, loc: tuple, *, key: bool = False) -> tuple[int, int]:
        """1-based (line, col) of `node_at(loc)`; (1, 1) for an empty document."""
        node = self.node_at(loc, key=key)
        if node is None:
            return 1, 1
        return node.start_mark.line + 1, node.start_mark.column + 1

    def source_text(self, loc: tuple) -> str | None:
        """The text as written for a scalar at `loc` (`4.10` for a float 4.1)."""
        node = self.node_at(loc)
        return node.value if isinstance(node, ScalarNode) else None


class LazyDocument(Document):
    """A document parsed only when first asked for: the node tree of a file is needed
    just to place a problem, so loading keeps the text and parses again on demand."""

    def __init__(self, text: str):  # noqa: D107 - no dataclass fields of its own
        self._text = text
        self._parsed: Document | None = None

    def _document(self) -> Document:
        if self._parsed is None:
            self._parsed = parse(self._text, collect=True)
        return self._parsed

    data = property(lambda self: self._document().data)  # type: ignore[assignment]
    root = property(lambda self: self._document().root)  # type: ignore[assignment]
    faults = property(lambda self: self._document().faults)  # type: ignore[assignment]


def _reader_fault(text: str, exc: yaml.reader.ReaderError) -> YamlFault:
    """A character YAML refuses (NUL, ESC, ...): one line, at its own line and column,
    named as cap names control characters everywhere (`\\x1b (escape)`, cap.safetext)."""
    from cap.safetext import shown

    position = max(0, min(exc.position, len(text)))
    line = text.count("\n", 0, position) + 1
    col = position - (text.rfind("\n", 0, position) + 1) + 1
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    if code < 0x20 or 0x7F <= code <= 0x9F:
        what = f"the control character {shown(chr(code))}"
    else:
        what = f"the character \\u{code:04x}"
    return YamlFault("CAP003", f"{what} is not allowed in a data file: remove it", line, col)


class CanonicalDocument(Document):
    """A text in the canonical format, read by cap.canonical (its value proven by writing
    it back): no faults, no text with a control character or a line break, and a node
    tree made only if a position is asked for."""

    def __init__(self, text: str, data: dict):  # noqa: D107 - fields of its own
        self._text, self.data, self.faults, self.texts, self._root = text, data, [], "inert", None

    @property
    def root(self) -> Node | None:  # type: ignore[override]
        if self._root is None:
            self._root = parse_nodes(self._text).root
        return self._root


def parse(text: str, *, collect: bool = False) -> Document:
    """Parse one YAML document; raise YamlFault for anything refused or malformed.

    With `collect`, faults in single values are kept on `Document.faults` instead (see
    the module's docstring); refusals of the whole text still raise. A text in the
    canonical format (most files) is read by cap.canonical, the rest by libyaml.
    """
    body = text[len(header_comment(text)) :] if text[:1] == "#" else text
    data = canonical.read(body)
    if data is not None:
        return CanonicalDocument(text, data)
    return parse_nodes(text, collect=collect)


def parse_nodes(text: str, *, collect: bool = False) -> Document:
    """`parse` by libyaml's parser, always: a value and its node tree."""
    faults: list[YamlFault] = []
    try:
        _check_depth(text)
        loader = _Composer(text)
        try:
            root = loader.get_single_node()
        finally:
            loader.dispose()
        data = None
        if root is not None:
            try:
                data = _build(root, set())
            except _ValueFault:
                if not collect:
                    raise
                # Rare, so the common case pays nothing: build again, collecting.
                seen = _Collecting()
                data = _build(root, seen)
                faults = seen.faults
    except YamlFault:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(p) for p in (exc.context, exc.problem) if p) or "invalid YAML"
        raise YamlFault("CAP003", f"YAML syntax error: {message}", line, col) from None
    except yaml.reader.ReaderError as exc:
        raise _reader_fault(text, exc) from None
    except yaml.YAMLError as exc:
        raise YamlFault("CAP003", " ".join(f"YAML error: {exc}".split())) from None
    except RecursionError:
        raise YamlFault("CAP003", "YAML nested too deeply") from None
    return Document(data, root, faults)


# --------------------------------------------------------------------------- writing

#: The width texts are folded at, and the length over which a text is folded (`>-`).
WIDTH, FOLD_OVER = canonical.WIDTH, canonical.FOLD_OVER
#: Line breaks YAML knows but PyYAML writes raw inside quotes, where they read back changed.
_ODD_BREAKS = frozenset("\x85\u2028\u2029")


try:
    _Emitter = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Emitter = yaml.SafeDumper


class _CanonicalDumper(_Emitter):  # type: ignore[misc, valid-type]
    """libyaml's emitter (fast, and the same bytes wherever PyYAML ships it) with our styles.

    `quoted` names texts to write in quotes rather than as blocks: the few that a block
    scalar would not read back exactly (a leading space, say); `True` quotes every text.
    """

    def __init__(self, *args: Any, quoted: frozenset[str] | bool = frozenset(), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.quoted = quoted

    def ignore_aliases(self, data: Any) -> bool:
        return True  # never `&id001`/`*id001` for a value used twice (one date, say): we refuse those

    def represent_str(self, data: str) -> yaml.ScalarNode:  # type: ignore[override]
        style = None
        if _ODD_BREAKS.intersection(data):
            style = '"'  # escaped as \N, \L, \P: the only form that reads back
        elif self.quoted is not True and data not in self.quoted:
            if "\n" in data:
                style = "|"
            elif len(data) > FOLD_OVER:
                style = ">"
        return self.represent_scalar(_CORE + "str", data, style=style)

    def represent_none(self, data: None) -> yaml.ScalarNode:  # type: ignore[override]
        return self.represent_scalar(_CORE + "null", "null")


_CanonicalDumper.add_representer(str, _CanonicalDumper.represent_str)
_CanonicalDumper.add_representer(type(None), _CanonicalDumper.represent_none)


class _FastDumper(_CanonicalDumper):
    """The same emitter, asking the trimmed resolver (`_Composer.resolve`: the same tags)."""

    resolve = _Composer.resolve
    _implicit = _Composer._implicit
    descend_resolver = _Composer.descend_resolver  # no path resolvers: nothing to track
    ascend_resolver = _Composer.ascend_resolver


_DUMP_OPTIONS = dict(sort_keys=False, allow_unicode=True, default_flow_style=False, width=WIDTH, indent=2)


def _emit_reference(data: Any, quoted: frozenset[str] | bool = frozenset()) -> str:
    """The emit through PyYAML's own (pure-Python) representer: `_emit`'s yardstick."""
    return yaml.dump(data, Dumper=functools.partial(_CanonicalDumper, quoted=quoted), **_DUMP_OPTIONS)


class _Unhandled(Exception):
    """A value `_node` does not build (a float, a datetime): the representer's path takes it."""


_BOOL, _INT, _NULL = _CORE + "bool", _CORE + "int", _CORE + "null"


def _node(data: Any, quoted: frozenset[str] | bool) -> Node:
    """The node tree PyYAML's representer makes of `data` under `_CanonicalDumper`, built
    directly: the same tags, values and styles (no anchors: `ignore_aliases` is always
    true), without its per-value dispatch. Any other type raises `_Unhandled`."""
    kind = type(data)
    if kind is str:
        style = None
        if "\x85" in data or "\u2028" in data or "\u2029" in data:  # _ODD_BREAKS, without a set
            style = '"'
        elif quoted is not True and data not in quoted:
            if "\n" in data:
                style = "|"
            elif len(data) > FOLD_OVER:
                style = ">"
        return ScalarNode(_STR, data, style=style)
    if kind is dict:
        return MappingNode(_MAP, [(_node(k, quoted), _node(v, quoted)) for k, v in data.items()], flow_style=False)
    if kind is list:
        return SequenceNode(_SEQ, [_node(item, quoted) for item in data], flow_style=False)
    if kind is dt.date:
        return ScalarNode(_TIMESTAMP, data.isoformat())
    if kind is bool:
        return ScalarNode(_BOOL, "true" if data else "false")
    if kind is int:
        return ScalarNode(_INT, str(data))
    if data is None:
        return ScalarNode(_NULL, "null")
    raise _Unhandled


def _emit_raw(data: Any, quoted: frozenset[str] | bool = frozenset()) -> str:
    """The canonical emit: cap.canonical's where it writes `data`, else libyaml's (the
    same bytes: tests/test_canonical.py)."""
    if not quoted:
        text = canonical.write(data)
        if text is not None:
            return text
    return _emit_libyaml(data, quoted)


def _emit_libyaml(data: Any, quoted: frozenset[str] | bool = frozenset()) -> str:
    """libyaml's emit of `_node(data)`: byte for byte `_emit_reference` (tests/test_emit_fast.py)."""
    try:
        root = _node(data, quoted)
    except _Unhandled:
        return _emit_reference(data, quoted)
    stream = io.StringIO()
    dumper = _FastDumper(stream, **_DUMP_OPTIONS)
    try:
        dumper.open()
        dumper.serialize(root)
        dumper.close()
    finally:
        dumper.dispose()
    return stream.getvalue()


def _emit(data: Any, quoted: frozenset[str] | bool = frozenset()) -> str:
    text = _emit_raw(data, quoted)
    # After a text ending in blank lines (`|+`) the emitter ends the file with `...`, a
    # line the next appended entry would remove: leave it out where it reads back without.
    if text.endswith("\n...\n") and _read_back(text[: -len("...\n")]) == data:
        text = text[: -len("...\n")]
    return text


def dump(data: dict) -> str:
    """The canonical text of a mapping (keys in the order given).

    Long and multi-line texts are block scalars where they read back exactly; a text that
    would not (the emitter folds a leading space wrongly, for one) is quoted on its own,
    so the rest of the file keeps its form; should the whole still not read back, every
    text is quoted. A save can never garble a text.
    """
    text = _emit(data)
    back = _read_back(text)
    if back == data:
        return text
    changed = _changed_texts(data, back)
    if changed:
        text = _emit(data, frozenset(changed))
        if _read_back(text) == data:
            return text
    text = _emit(data, True)
    if _read_back(text) != data:  # pragma: no cover - would be an emitter bug
        raise ValueError("could not write this record so that it reads back unchanged")
    return text


def is_canonical(body: str, data: dict) -> bool:
    """Whether `body` is exactly `dump(data)`, where `body` is the text `data` was read from.

    The common case costs one emit: a text equal to the block-style emit of what it
    loads as reads back by construction, so it is what `dump` returns.
    """
    return _emit(data) == body or dump(data) == body


def _read_back(text: str) -> Any:
    try:
        return parse(text).data
    except YamlFault:
        return None


def _changed_texts(wrote: Any, read: Any) -> set[str] | None:
    """The texts of `wrote` that read back as something else; None if the shape changed."""
    if isinstance(wrote, str):
        return set() if wrote == read else {wrote}
    if isinstance(wrote, dict) and isinstance(read, dict) and list(wrote) == list(read):
        parts = [_changed_texts(v, read[k]) for k, v in wrote.items()]
    elif isinstance(wrote, list) and isinstance(read, list) and len(wrote) == len(read):
        parts = [_changed_texts(a, b) for a, b in zip(wrote, read)]
    else:
        return set() if wrote == read else None
    if any(p is None for p in parts):
        return None
    return set().union(*parts)


_HEADER = re.compile(r"(?:#[^\n]*\n)*")


def header_comment(text: str) -> str:
    """The block of `#` lines at the very top of a file, kept as written by every rewrite.

    It is the place for an editor's schema line
    (`# yaml-language-server: $schema=...`); a comment anywhere else has no place in the
    canonical format.

        >>> header_comment("# schema line\nref: '4.4'\n")
        '# schema line\n'
    """
    return _HEADER.match(text).group(0)


def comment_lines(text: str) -> list[int]:
    """The 1-based lines holding a `#` comment, which a canonical rewrite would drop.

    A `#` is a comment where the YAML scanner reads no token (quoted, plain and block
    texts are tokens), or after a block scalar's indicator (`>- # like this`). The
    header comment (`header_comment`) is kept by rewrites, so it is not listed.
    """
    if "#" not in text:
        return []
    skip = header_comment(text).count("\n")
    return [line for line in _comment_lines(text) if line > skip]


def _comment_lines(text: str) -> list[int]:
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return []
    spans = sorted((t.start_mark.index, t.end_mark.index) for t in tokens if t.end_mark.index > t.start_mark.index)
    lines: set[int] = set()
    for token in tokens:
        if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
            start = token.start_mark.index
            header = text[start : text.find("\n", start) if "\n" in text[start:] else len(text)]
            if re.match(r"[|>][0-9+-]*[ \t]+#", header):
                lines.add(token.start_mark.line + 1)
    starts = [s for s, _ in spans]
    for index, char in enumerate(text):
        if char != "#":
            continue
        i = bisect.bisect_right(starts, index) - 1
        if i < 0 or not (spans[i][0] <= index < spans[i][1]):
            lines.add(text.count("\n", 0, index) + 1)
    return sorted(lines)


