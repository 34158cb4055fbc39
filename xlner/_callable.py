"""Packages that are also the public function of their name.

``xlner.align``, ``xlner.project`` and ``xlner.evaluate`` are packages *and* the API calls
:func:`xlner.align`, :func:`xlner.project`, :func:`xlner.evaluate` (a package import binds its
name on ``xlner``, so a plain function of the same name would be shadowed by the package).
Calling the package forwards to the function named by a ``"module:attr"`` path, resolved at
call time as registry entries are, so the package itself imports nothing above it.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any


class CallablePackage(ModuleType):
    """A package module whose call forwards to ``__xlner_call__`` (a ``"module:attr"`` path)."""

    __xlner_call__: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        module, _, attr = self.__xlner_call__.partition(":")
        return getattr(importlib.import_module(module), attr)(*args, **kwargs)


def make_callable(package: str, target: str) -> None:
    """Make the (already imported) module ``package`` callable as ``target``."""
    module = sys.modules[package]
    module.__class__ = CallablePackage
    setattr(module, "__xlner_call__", target)  # noqa: B010 - a ModuleType attribute
