"""One module per kind of published figure, each registering its reproduction and forensic checks.

Importing this package imports every module in it, so a new kind's checks need no other edit.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
