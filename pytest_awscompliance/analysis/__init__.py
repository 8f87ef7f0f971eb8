"""Pure policy logic, no AWS calls: the IAM evaluator, principals, privilege,
public and trust policies, organization layout."""
