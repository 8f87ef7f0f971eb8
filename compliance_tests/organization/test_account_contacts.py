"""Account baseline (general recommendations): a security contact AWS can reach."""

import pytest

from pytest_awscompliance.facts.account import security_contact


@pytest.mark.severity("medium")
@pytest.mark.control(
    "account-security-contact",
    title="A security alternate contact is registered",
    frameworks={"cis-aws-3.0": "1.2", "cis-aws-7.0": "2.3", "aws-fsbp": "Account.1"},
    remediation="aws account put-alternate-contact --alternate-contact-type SECURITY "
    "--email-address <address> --name <name> --phone-number <phone> --title <title>",
)
def test_security_contact_registered(aws_account):
    contact = security_contact(aws_account)
    assert contact and contact.get("EmailAddress"), (
        f"account {aws_account.account_id} has no SECURITY alternate contact"
        + ("" if contact is None else " email address")
    )
