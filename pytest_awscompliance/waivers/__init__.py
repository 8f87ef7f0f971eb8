"""Waivers: accepted risks on controls, each with a justification, an owner and an expiry date.

``model`` (the ``Waiver`` record), ``load`` (YAML reading and validation, no pytest),
``match`` (glob matching against a result), ``options`` (command-line and ini options) and
``plugin`` (the pytest hooks). Kept import-light: ``pytest_awscompliance.settings.options`` imports
``waivers.options`` while the plugin modules import ``pytest_awscompliance.settings.options``.
"""
