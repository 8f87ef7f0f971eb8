"""Every option and ini declaration of the plugin, parsed once into a frozen ``Settings``."""
