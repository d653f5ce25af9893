"""Plain data: what a record is written from (cap.models: `to_data`) and what the canonical
format reads back (cap.canonical: `read`): dicts in key order, lists, texts, dates,
numbers, booleans and None. One question is asked of it: is this the same data?

    >>> same({"ref": "4.4", "lead": ["MASH"]}, {"ref": "4.4", "lead": ["MASH"]})
    True
"""

from __future__ import annotations

from typing import Any


def same(a: Any, b: Any) -> bool:
    """Whether two values are the same data, key order and types included (`True` is not
    `1`): then `cap.canonical.write` gives them the same text.

        >>> same({"a": 1, "b": 2}, {"b": 2, "a": 1}), same([True], [1]), same({"a": [1]}, {"a": [1]})
        (False, False, True)
    """
    kind = type(a)
    if kind is not type(b):
        return False
    if kind is dict:  # the keys in order, then the values as a list
        return len(a) == len(b) and list(a) == list(b) and same(list(a.values()), list(b.values()))
    if kind is list:
        if len(a) != len(b):
            return False
        for x, y in zip(a, b):
            if type(x) is not type(y):
                return False
            if type(x) is dict or type(x) is list:
                if not same(x, y):
                    return False
            elif x != y:
                return False
        return True
    return a == b
