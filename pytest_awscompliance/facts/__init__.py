"""Facts about an account, read through ``AwsContext`` and shaped for controls.

One module per service. Each function takes an ``AwsContext`` (plus what it needs) and
returns plain data; "not configured" comes back as ``None`` or a default, while access
and service errors raise ``AwsApiError`` so the control ERRORs instead of passing.
"""
