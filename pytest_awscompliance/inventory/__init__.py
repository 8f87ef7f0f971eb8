"""Resource discovery: the registry of resource types (``registry.py``), the bundled types
(``bundled.py``), one small discovery module per service, and ``Inventory``."""
