"""Shared by the reference scripts (not part of the app): import diffusers without its unused dependencies."""
import importlib.abc
import importlib.machinery
import sys
import types


def install_stubs(stub_roots):
    """Makes every module under `stub_roots` importable as an inert stub (returns the stub class): diffusers imports packages (the hub,
    image and HTTP libraries) that the reference scripts never use and that are not installed here."""

    class Meta(type):
        def __getattr__(cls, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return Meta(name, (Dummy,), {})

    class Dummy(metaclass=Meta):
        def __init__(self, *args, **kwargs):
            pass

        def __call__(self, *args, **kwargs):
            return Dummy()

        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return Dummy()

    class StubModule(types.ModuleType):
        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return "/tmp/hf-stub" if name.isupper() else Meta(name, (Dummy,), {})

    class Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, fullname, path, target=None):
            if fullname.split(".")[0] in stub_roots:
                return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
            return None

        def create_module(self, spec):
            module = StubModule(spec.name)
            module.__path__ = []
            module.__version__ = "99.0.0"
            return module

        def exec_module(self, module):
            pass

    sys.meta_path.insert(0, Finder())
    return Dummy
